import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AsyncMessageReader,
  createMessageDecoder,
  createMessageEncoder,
  MessageReader,
  MessageWriter,
  SinetError,
} from '../../src/index.js';
import { failure } from '../support/failure.js';
import { unusedPort } from '../support/net.js';
import { expectNoSecret as expectNoSecretIn } from '../support/secrets.js';

const CRYPTO_PASSWORD = 'crypto-pw-3f9a1c';
const KEY_PASSPHRASE = 'tls-passphrase-77be02';
const MQTT_PASSWORD = 'mqtt-pw-c41d9e';
const MQTT_USER = 'mqtt-user-5a0e7b';
const SECRETS = [CRYPTO_PASSWORD, KEY_PASSPHRASE, MQTT_PASSWORD, MQTT_USER];

const crypto = {
  algorithm: 'AES',
  mode: 'GCM',
  password: CRYPTO_PASSWORD,
  key_derivation: { iteration: 1000 },
};

function expectNoSecret(value: unknown): void {
  expectNoSecretIn(value, SECRETS);
}

describe('secrets never show in what a program can print', () => {
  it('open memory readers and writers with a crypto password', async () => {
    const config = {
      header: { version: 3 },
      config: {
        s: {
          type: 'memory',
          brokers: 'secrets',
          topic: 't',
          data_encryption: true,
          crypto,
          type_spec: {},
        },
      },
    };
    await using writer = await new MessageWriter({ service: 's', config }).open();
    await using reader = await new MessageReader({
      service: 's',
      config,
      receiveTimeoutMs: 100,
    }).open();
    await using callbacks = await new AsyncMessageReader({ service: 's', config }).open();
    await writer.publish(new TextEncoder().encode('x'));
    for await (const message of reader) expectNoSecret(message);
    const codec = { noConfig: true, dataEncryption: true, crypto };
    const encoder = await createMessageEncoder(codec);
    const decoder = await createMessageDecoder(codec);
    for (const client of [writer, reader, callbacks, encoder, decoder]) expectNoSecret(client);
    expect(inspect(writer)).toMatch(/MessageWriter.*service: 's'.*type: 'memory'/s);
    expect(JSON.parse(JSON.stringify(writer))).toEqual({
      service: 's',
      type: 'memory',
      brokers: ['secrets'],
      topics: ['t'],
    });
  });

  it('MQTT readers and writers with a user name, password and TLS key passphrase, and their failures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    const keyfile = join(dir, 'key.pem');
    writeFileSync(keyfile, 'not a key');
    const port = await unusedPort();
    const options = {
      service: 'm',
      config: {
        header: { version: 3 },
        config: {
          m: {
            type: 'mqtt',
            brokers: `127.0.0.1:${port}`,
            topic: 't',
            data_encryption: true,
            crypto,
            tls: { keyfile, keyfile_password: KEY_PASSPHRASE, certfile: keyfile },
          },
        },
      },
      typeSpec: { username_pw: { username: MQTT_USER, password: MQTT_PASSWORD } },
    };
    const writer = new MessageWriter(options);
    const reader = new MessageReader(options);
    for (const client of [writer, reader]) {
      expectNoSecret(client);
      const error = await failure(() => client.open());
      expect(error).toBeInstanceOf(SinetError);
      expectNoSecret(error);
      expectNoSecret(client);
      await client.close();
    }
  });

  it('errors about wrong-typed secrets name the key, not the value', async () => {
    const error = await failure(() =>
      new MessageWriter({
        noConfig: true,
        type: 'mqtt',
        brokers: '127.0.0.1:1',
        topic: 't',
        typeSpec: { username_pw: { username: MQTT_USER, password: [MQTT_PASSWORD] } },
      } as never).open(),
    );
    expect(error).toBeInstanceOf(SinetError);
    expect(error.message).toMatch(/username_pw\.password/);
    expectNoSecret(error);
  });
});
