import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionError, MessageReader, MessageWriter } from '../../../src/index.js';
import { homeWithPrivateKey } from '../../fixtures/seal-secret.js';
import { ConfigServerFixture } from '../../support/config-server.js';
import { CERTS, MOSQUITTO_DIR, PORTS, requireMosquitto, USER } from '../mqtt/mosquitto.js';

/** Mosquitto's test CA also signed a certificate for localhost, which the fixture serves. */
const SERVER_TLS = {
  cert: join(MOSQUITTO_DIR, 'certs/server.crt'),
  key: join(MOSQUITTO_DIR, 'certs/server.key'),
};

let home: string;
let server: ConfigServerFixture;

beforeAll(async () => {
  await requireMosquitto();
  const made = homeWithPrivateKey();
  home = made.home;
  server = await ConfigServerFixture.start(made.publicKey, {
    cert: readFileSync(SERVER_TLS.cert),
    key: readFileSync(SERVER_TLS.key),
  });
  server.writeAuthFile(join(home, '.config', 'sinetstream'));
  server.configs.set('mqtt-tls', {
    config: {
      header: { version: 3 },
      config: {
        'mqtt-tls': {
          type: 'mqtt',
          brokers: `127.0.0.1:${PORTS.password}`,
          topic: `config-server-${Date.now()}`,
          value_type: 'text',
          consistency: 'AT_LEAST_ONCE',
          type_spec: { username_pw_set: { username: USER.username } },
        },
        'mqtt-ca': {
          type: 'mqtt',
          brokers: `127.0.0.1:${PORTS.tls}`,
          topic: `config-server-ca-${Date.now()}`,
          value_type: 'text',
        },
      },
    },
    attachments: [{ target: 'mqtt-ca.tls.ca_certs_data', value: readFileSync(CERTS.ca) }],
    secrets: [{ target: 'mqtt-tls.type_spec.username_pw_set.password', id: 'mqtt-password' }],
  });
  server.secrets.set('mqtt-password', {
    target: 'mqtt-tls.type_spec.username_pw_set.password',
    plaintext: USER.password,
  });
});
afterAll(async () => {
  await server?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});
beforeEach(() => vi.stubEnv('HOME', home));
afterEach(() => vi.unstubAllEnvs());

async function roundTrip(service: string): Promise<string[]> {
  const options = { config: 'mqtt-tls', service, configServer: { caCerts: CERTS.ca } };
  await using reader = await new MessageReader<string>({
    ...options,
    receiveTimeoutMs: 1000,
  }).open();
  await using writer = await new MessageWriter<string>(options).open();
  await writer.publish('from the config server');
  const values: string[] = [];
  for await (const message of reader) values.push(message.value);
  return values;
}

describe('a config from an HTTPS config server, on Mosquitto', () => {
  it('trusts the private CA of configServer.caCerts; the password secret logs in', async () => {
    expect(await roundTrip('mqtt-tls')).toEqual(['from the config server']);
  });

  it('verifies the broker against a CA certificate the config attaches', async () => {
    expect(await roundTrip('mqtt-ca')).toEqual(['from the config server']);
  });

  it('without the private CA, refuses the server certificate with ConnectionError', async () => {
    const open = new MessageWriter({ config: 'mqtt-tls', service: 'mqtt-tls' }).open();
    await expect(open).rejects.toThrow(ConnectionError);
    await expect(open).rejects.toThrow(
      /^config server https:\/\/localhost:\d+: (POST|GET) \S+: the server's TLS certificate is not trusted \(unable to verify the first certificate\); give its CA certificate as configServer.caCerts$/,
    );
    await expect(open).rejects.toMatchObject({ retriable: false });
  });
});
