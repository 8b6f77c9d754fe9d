import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoSecretFromBroker } from '../../support/broker-secrets.js';
import { unusedPort } from '../../support/net.js';
import { requireS3, S3_BUCKET, S3_ENDPOINT, S3_USER } from './support.js';

beforeAll(requireS3);

describe('s3: no secret reachable from readers, writers, messages or errors', () => {
  it('versitygw credentials, a crypto password and an inline TLS key, open and failing', async () => {
    const prefix = `secrets-${randomUUID().slice(0, 8)}`;
    const seen = await expectNoSecretFromBroker({
      type: 's3',
      credentials: S3_USER,
      refusedCredentials: { aws_secret_access_key: 'sinetstream-wrong-secret-3b7d' },
      secrets: [S3_USER.aws_secret_access_key, 'sinetstream-wrong-secret-3b7d'],
      unreachable: { typeSpec: { endpoint_url: `http://127.0.0.1:${await unusedPort()}` } },
      // The gateway speaks plain HTTP: TLS to it fails after the key is loaded.
      tlsTarget: { typeSpec: { endpoint_url: S3_ENDPOINT.replace('http:', 'https:') } },
      typeSpec: {
        endpoint_url: S3_ENDPOINT,
        bucket: S3_BUCKET,
        prefix,
        suffix: '.msg',
        name: 'minute',
        poll_interval_ms: 200,
      },
      newTopic: () => `t-${randomUUID().slice(0, 8)}`,
    });
    console.log(`s3: ${seen.join('; ')}`);
    expect(seen).toContain('received');
    expect(seen).toContain('refused credentials: AuthorizationError');
  });
});
