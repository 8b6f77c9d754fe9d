import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoSecretFromBroker } from '../../support/broker-secrets.js';
import { unusedPort } from '../../support/net.js';
import { requireBroker, unique } from '../amqp091/support.js';

beforeAll(() => requireBroker('127.0.0.1', 5682, 'scripts/artemis/setup.sh'));

describe('amqp-1.0: no secret reachable from readers, writers, messages or errors', () => {
  it('Artemis SASL PLAIN credentials, a crypto password and an inline TLS key, open and failing', async () => {
    const alice = (password: string) => ({
      username: 'alice',
      password,
      sasl_mechanisms: 'PLAIN',
    });
    const seen = await expectNoSecretFromBroker({
      type: 'amqp-1.0',
      brokers: '127.0.0.1:5682',
      credentials: alice('alice123'),
      refusedCredentials: alice('alice-wrong-pw-91aa'),
      secrets: ['alice123', 'alice-wrong-pw-91aa'],
      unreachable: { brokers: `127.0.0.1:${await unusedPort()}` },
      tlsTarget: { brokers: 'amqps://localhost:5681' },
      typeSpec: { reconnect: false },
      newTopic: () => unique('secrets'),
    });
    console.log(`amqp-1.0: ${seen.join('; ')}`);
    expect(seen).toContain('received');
    expect(seen).toContain('refused credentials: AuthorizationError');
  });
});
