import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoSecretFromBroker } from '../../support/broker-secrets.js';
import { unusedPort } from '../../support/net.js';
import { PORTS, requireMosquitto, USER } from './mosquitto.js';

beforeAll(requireMosquitto);

describe('mqtt: no secret reachable from readers, writers, messages or errors', () => {
  it('Mosquitto credentials, a crypto password and an inline TLS key, open and failing', async () => {
    const user = (password: string) => ({ username_pw: { username: USER.username, password } });
    const seen = await expectNoSecretFromBroker({
      type: 'mqtt',
      brokers: `127.0.0.1:${PORTS.password}`,
      credentials: user(USER.password),
      refusedCredentials: user('mqtt-wrong-pw-2c5e'),
      secrets: [USER.password, 'mqtt-wrong-pw-2c5e'],
      unreachable: { brokers: `127.0.0.1:${await unusedPort()}` },
      tlsTarget: { brokers: `127.0.0.1:${PORTS.tls}` },
      newTopic: () => `secrets/${randomUUID().slice(0, 8)}`,
    });
    console.log(`mqtt: ${seen.join('; ')}`);
    expect(seen).toContain('received');
    expect(seen).toContain('refused credentials: AuthorizationError');
  });
});
