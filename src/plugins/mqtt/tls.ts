import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import { InvalidArgumentError } from '../../errors.js';
import type { TlsSettings } from '../../spi/types.js';
import type { ParamReader } from './param-reader.js';

/** TLS as configured: file paths still unread. */
export interface TlsSpec {
  caCerts?: string;
  certfile?: string;
  keyfile?: string;
  keyfilePassword?: string;
  ciphers?: string;
  /** `tls_version` as paho spells it, e.g. PROTOCOL_TLSv1_2. */
  tlsVersion?: string;
  checkHostname: boolean;
  /** False for paho's `cert_reqs: CERT_NONE`: the server certificate is not checked at all. */
  verify: boolean;
}

const TLS_VERSIONS: Readonly<Record<string, ConnectionOptions['minVersion']>> = {
  PROTOCOL_TLSv1: 'TLSv1',
  PROTOCOL_TLSv1_1: 'TLSv1.1',
  PROTOCOL_TLSv1_2: 'TLSv1.2',
};

/**
 * The common `tls` block, overridden by the MQTT `tls` / `tls_set` block (paho's names) and
 * `tls_insecure` / `tls_insecure_set`. Undefined when none of them turns TLS on.
 */
export function tlsSpec(common: TlsSettings | undefined, p: ParamReader): TlsSpec | undefined {
  const mqttTlsOn = p.raw('tls', 'tls_set') === true;
  const block = mqttTlsOn ? undefined : p.mapping('tls', 'tls_set');
  if (!common && !block && !mqttTlsOn) return undefined;
  const spec: TlsSpec = { ...common, checkHostname: common?.checkHostname ?? true, verify: true };
  if (block) {
    const set = <K extends keyof TlsSpec>(key: K, value: TlsSpec[K] | undefined) => {
      if (value !== undefined) spec[key] = value;
    };
    set('caCerts', block.string('ca_certs'));
    set('certfile', block.string('certfile'));
    set('keyfile', block.string('keyfile'));
    set('keyfilePassword', block.text('keyfile_password', 'keyfilePassword'));
    set('ciphers', block.string('ciphers'));
    set('tlsVersion', block.string('tls_version'));
    const certReqs = block.string('cert_reqs');
    if (certReqs !== undefined) spec.verify = certReqs !== 'CERT_NONE';
  }
  const insecure = p.raw('tls_insecure', 'tls_insecure_set');
  const skipHostname =
    typeof insecure === 'boolean'
      ? p.boolean('tls_insecure', 'tls_insecure_set')
      : p.mapping('tls_insecure', 'tls_insecure_set')?.boolean('value');
  if (skipHostname !== undefined) spec.checkHostname = !skipHostname;
  if (
    spec.tlsVersion !== undefined &&
    !(spec.tlsVersion in TLS_VERSIONS) &&
    !spec.tlsVersion.startsWith('PROTOCOL_TLS')
  ) {
    throw new InvalidArgumentError(
      `mqtt tls.tls_version: "${spec.tlsVersion}" is not a known TLS version`,
    );
  }
  return spec;
}

async function load(path: string | undefined, key: string): Promise<Buffer | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(path);
  } catch (error) {
    throw new InvalidArgumentError(`mqtt tls.${key}: cannot read "${path}"`, { cause: error });
  }
}

/** Node TLS options for the spec, reading the PEM files now. */
export async function loadTls(spec: TlsSpec): Promise<ConnectionOptions> {
  const [ca, cert, key] = await Promise.all([
    load(spec.caCerts, 'ca_certs'),
    load(spec.certfile, 'certfile'),
    load(spec.keyfile, 'keyfile'),
  ]);
  const version = spec.tlsVersion === undefined ? undefined : TLS_VERSIONS[spec.tlsVersion];
  return {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(spec.keyfilePassword !== undefined ? { passphrase: spec.keyfilePassword } : {}),
    ...(spec.ciphers !== undefined ? { ciphers: spec.ciphers } : {}),
    ...(version ? { minVersion: version, maxVersion: version } : {}),
    rejectUnauthorized: spec.verify,
    ...(spec.checkHostname ? {} : { checkServerIdentity: () => undefined }),
  };
}
