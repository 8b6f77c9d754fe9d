import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoSecretFromBroker } from '../../support/broker-secrets.js';
import { unusedPort } from '../../support/net.js';
import { requireBroker, unique } from './support.js';

beforeAll(() => requireBroker('127.0.0.1', 5672, 'scripts/rabbitmq/setup.sh'));

describe('amqp-0.9.1: no secret reachable from readers, writers, messages or errors', () => {
  it('RabbitMQ credentials, a crypto password and an inline TLS key, open and failing', async () => {
    const alice = (password: string) => ({ vhost: 'domain1', username: 'alice', password });
    const seen = await expectNoSecretFromBroker({
      type: 'amqp-0.9.1',
      brokers: '127.0.0.1:5672',
      credentials: alice('alice123'),
      refusedCredentials: alice('alice-wrong-pw-4e0d'),
      secrets: ['alice123', 'alice-wrong-pw-4e0d'],
      unreachable: { brokers: `127.0.0.1:${await unusedPort()}` },
      tlsTarget: { brokers: 'localhost:5671' },
      typeSpec: { reconnect: false },
      newTopic: () => unique('secrets'),
    });
    console.log(`amqp-0.9.1: ${seen.join('; ')}`);
    expect(seen).toContain('received');
    expect(seen).toContain('refused credentials: AuthorizationError');
  });
});
