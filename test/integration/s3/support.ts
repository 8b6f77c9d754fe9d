import { connect } from 'node:net';
import { join, resolve } from 'node:path';

/** scripts/versitygw/setup.sh: the Versity S3 Gateway on loopback, and its test users. */
export const S3_ENDPOINT = 'http://127.0.0.1:7070';
/** The same gateway's folders over TLS, with a certificate from the script's own CA. */
export const S3_TLS_ENDPOINT = 'https://127.0.0.1:7072';
export const S3_CA = join(
  process.env.SINETSTREAM_BROKERS_DIR ?? resolve(import.meta.dirname, '../../../.brokers'),
  'versitygw/certs/ca.crt',
);
export const S3_BUCKET = 'sinetstream-test';
export const S3_USER = {
  aws_access_key_id: 'sinetstream',
  aws_secret_access_key: 'sinetstream-test-secret',
};
/** A user the gateway knows, with no access to the test bucket. */
export const S3_REFUSED_USER = {
  aws_access_key_id: 'sinetstream-refused',
  aws_secret_access_key: 'sinetstream-refused-secret',
};

/** A `type: s3` service on the test gateway; each call site picks its own prefix. */
export function s3Service(prefix: string, extra: Record<string, unknown> = {}) {
  return {
    type: 's3',
    type_spec: {
      endpoint_url: S3_ENDPOINT,
      bucket: S3_BUCKET,
      prefix,
      suffix: '.msg',
      name: 'minute',
      utc_offset: '+0900',
      poll_interval_ms: 200,
      ...S3_USER,
      ...extra,
    },
  };
}

/** Fails (never skips) when the gateway is not listening. */
export async function requireS3(endpoint = S3_ENDPOINT): Promise<void> {
  const { hostname, port } = new URL(endpoint);
  const reachable = await new Promise<boolean>((done) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.setTimeout(2000);
    socket
      .once('connect', () => {
        socket.destroy();
        done(true);
      })
      .once('error', () => done(false));
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
  });
  if (!reachable) {
    throw new Error(
      `no S3 server on ${endpoint}: start it with \`bash scripts/versitygw/setup.sh\``,
    );
  }
}
