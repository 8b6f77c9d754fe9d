import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoSecretFromBroker } from '../../support/broker-secrets.js';
import { unusedPort } from '../../support/net.js';
import { newTopic, requireKafka, SASL, SSL } from './helpers.js';

beforeAll(requireKafka);

describe('kafka: no secret reachable from readers, writers, messages or errors', () => {
  it('SASL SCRAM credentials, a crypto password and an inline TLS key, open and failing', async () => {
    const sasl = (password: string) => ({
      security_protocol: 'SASL_PLAINTEXT',
      sasl_mechanism: 'SCRAM-SHA-256',
      sasl_plain_username: 'alice',
      sasl_plain_password: password,
    });
    const seen = await expectNoSecretFromBroker({
      type: 'kafka',
      brokers: SASL,
      credentials: sasl('alice-secret'),
      refusedCredentials: sasl('alice-wrong-secret-7f1c'),
      secrets: ['alice-secret', 'alice-wrong-secret-7f1c'],
      unreachable: { brokers: `127.0.0.1:${await unusedPort()}` },
      tlsTarget: { brokers: SSL, typeSpec: { security_protocol: 'SSL' } },
      typeSpec: { auto_offset_reset: 'earliest' },
      newTopic: () => newTopic('secrets'),
    });
    console.log(`kafka: ${seen.join('; ')}`);
    expect(seen).toContain('received');
    expect(seen).toContain('refused credentials: AuthorizationError');
  });
});
