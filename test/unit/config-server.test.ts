import { createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { publicKeyFingerprint } from '../../src/config/config-server.js';
import {
  AuthorizationError,
  ConnectionError,
  createMessageDecoder,
  createRegistry,
  InvalidArgumentError,
  InvalidConfigError,
  MessageReader,
  MessageWriter,
  NoConfigError,
  NoServiceError,
  NotOpenError,
} from '../../src/index.js';
import type { BrokerPlugin, PluginContext } from '../../src/spi/index.js';
import { homeWithPrivateKey } from '../fixtures/seal-secret.js';
import { ConfigServerFixture } from '../support/config-server.js';

const KEY_V1 = randomBytes(16);
const KEY_V2 = randomBytes(16);
const CA_PEM = '-----BEGIN CERTIFICATE-----\nnot really a certificate\n-----END CERTIFICATE-----\n';

let home: string;
let server: ConfigServerFixture;
let brokerCount = 0;

beforeAll(async () => {
  const made = homeWithPrivateKey();
  home = made.home;
  server = await ConfigServerFixture.start(made.publicKey);
  server.writeAuthFile(join(home, '.config', 'sinetstream'));
});
afterAll(async () => {
  await server.stop();
  rmSync(home, { recursive: true, force: true });
});
beforeEach(() => {
  vi.stubEnv('HOME', home);
  server.requests.length = 0;
});
afterEach(() => {
  vi.unstubAllEnvs();
  server.delayMs = 0;
  server.overrides.clear();
});

/** A config on the server: an encrypted memory service whose crypto.key has two versions. */
function encryptedConfig(name: string): string {
  brokerCount++;
  server.configs.set(name, {
    config: {
      header: { version: 3 },
      config: {
        svc: {
          type: 'memory',
          brokers: `config-server-${brokerCount}`,
          topic: 't',
          value_type: 'text',
          data_encryption: true,
          crypto: { algorithm: 'AES', key_length: 128, mode: 'GCM' },
        },
      },
    },
    secrets: [
      {
        target: 'svc.crypto.key',
        ids: [
          { id: `${name}-k2`, version: 2 },
          { id: `${name}-k1`, version: 1 },
        ],
      },
    ],
  });
  server.secrets.set(`${name}-k1`, { target: 'svc.crypto.key', plaintext: KEY_V1 });
  server.secrets.set(`${name}-k2`, { target: 'svc.crypto.key', plaintext: KEY_V2 });
  return `config-server-${brokerCount}`;
}

async function readAll(reader: MessageReader<string>): Promise<string[]> {
  const values: string[] = [];
  for await (const message of reader) values.push(message.value);
  return values;
}

describe('config: NAME fetched from the config server', () => {
  it('gives readers every key version and writers the newest, decrypted with the private key', async () => {
    const broker = encryptedConfig('enc');
    await using reader = await new MessageReader<string>({
      config: 'enc',
      receiveTimeoutMs: 50,
    }).open();
    expect(server.requests).toEqual([
      'POST /api/v1/authentication',
      'GET /api/v1/configs/enc',
      'GET /api/v1/secrets/enc-k1',
      'GET /api/v1/secrets/enc-k2',
    ]);
    server.requests.length = 0;
    await using writer = await new MessageWriter<string>({ config: 'enc' }).open();
    expect(server.requests).toEqual(['GET /api/v1/configs/enc', 'GET /api/v1/secrets/enc-k2']);
    // An old writer still on key version 1, configured by hand.
    const inline = (keys: Record<number, Uint8Array>) => ({
      config: {
        s: {
          type: 'memory',
          brokers: broker,
          topic: 't',
          value_type: 'text',
          data_encryption: true,
          crypto: { algorithm: 'AES', key_length: 128, mode: 'GCM', _keys: keys },
        },
      },
    });
    await using oldWriter = await new MessageWriter<string>(inline({ 1: KEY_V1 })).open();
    await oldWriter.publish('written with key 1');
    await writer.publish('written with key 2');
    expect(await readAll(reader)).toEqual(['written with key 1', 'written with key 2']);
    // The server's writer wrote with version 2: a reader knowing only that key reads it.
    await using newReader = await new MessageReader<string>({
      ...inline({ 2: KEY_V2 }),
      receiveTimeoutMs: 50,
    }).open();
    await writer.publish('again');
    expect(await readAll(newReader)).toEqual(['again']);
    expect(new Set(server.fingerprintsSeen)).toEqual(
      new Set([publicKeyFingerprint(createPublicKey(readKeyPem()))]),
    );
  });

  it('places attachments (base64 files) at their targets, for * and for the service', async () => {
    server.configs.set('attached', {
      config: {
        header: { version: 3 },
        config: { svc: { type: 'recording', brokers: 'b', topic: 't' }, other: { type: 'x' } },
      },
      attachments: [
        { target: '*.tls.ca_certs_data', value: CA_PEM },
        { target: 'svc.type_spec.token', value: 'for svc' },
        { target: 'other.type_spec.token', value: 'for other' },
      ],
    });
    const seen: PluginContext[] = [];
    const recording: BrokerPlugin = {
      type: 'recording',
      createWriter: (context) => {
        seen.push(context);
        return { open: async () => {}, publish: async () => {}, close: async () => {} };
      },
      createReader: () => {
        throw new Error('unused');
      },
    };
    const registry = createRegistry().registerBroker('recording', recording);
    await using _writer = await new MessageWriter({
      config: 'attached',
      service: 'svc',
      registry,
    }).open();
    expect(Buffer.from(seen[0]!.tls!.ca!).toString()).toBe(CA_PEM);
    expect(Buffer.from(seen[0]!.params.token as Uint8Array).toString()).toBe('for svc');
  });

  it('knows nothing of the service until open(), then shows it', async () => {
    encryptedConfig('lazy');
    const writer = new MessageWriter({ config: 'lazy' });
    expect(server.requests).toEqual([]);
    expect(() => writer.topic).toThrow(NotOpenError);
    expect(JSON.stringify(writer)).toContain('(config \\"lazy\\")');
    await writer.open();
    expect(writer.topic).toBe('t');
    expect(writer.service).toBe('svc');
    await writer.close();
  });

  it('decodes with createMessageDecoder, fetching every key version', async () => {
    encryptedConfig('codec');
    await createMessageDecoder({ config: 'codec' });
    expect(server.requests.filter((r) => r.includes('/secrets/'))).toHaveLength(2);
  });
});

describe('config server tokens', () => {
  it('are reused until they expire, then renewed', async () => {
    const made = homeWithPrivateKey();
    const own = await ConfigServerFixture.start(made.publicKey);
    try {
      own.writeAuthFile(join(made.home, '.config', 'sinetstream'));
      vi.stubEnv('HOME', made.home);
      own.configs.set('plain', {
        config: { header: { version: 3 }, config: { s: { type: 'memory', topic: 't' } } },
      });
      await new MessageWriter({ config: 'plain' }).open().then((w) => w.close());
      await new MessageWriter({ config: 'plain' }).open().then((w) => w.close());
      expect(own.authentications).toBe(1);
      own.expireTokens();
      await new MessageWriter({ config: 'plain' }).open().then((w) => w.close());
      expect(own.requests.slice(-3)).toEqual([
        'GET /api/v1/configs/plain',
        'POST /api/v1/authentication',
        'GET /api/v1/configs/plain',
      ]);
      own.tokenLifetimeSec = 1; // within the renewal margin: renewed before it is used
      own.expireTokens();
      await new MessageWriter({ config: 'plain' }).open().then((w) => w.close());
      expect(own.authentications).toBe(3);
      await new MessageWriter({ config: 'plain' }).open().then((w) => w.close());
      expect(own.requests.slice(-2)).toEqual([
        'POST /api/v1/authentication',
        'GET /api/v1/configs/plain',
      ]);
    } finally {
      await own.stop();
      rmSync(made.home, { recursive: true, force: true });
    }
  });
});

describe('config server errors, as upstream names them', () => {
  it('401 from /authentication (a wrong API key) is AuthorizationError', async () => {
    const dir = join(home, 'wrong-key');
    const authFile = server.writeAuthFile(dir, 'not the key');
    const open = new MessageWriter({ config: 'x', configServer: { authFile } }).open();
    await expect(open).rejects.toThrow(AuthorizationError);
    await expect(open).rejects.toThrow(/POST \/api\/v1\/authentication: HTTP 401/);
  });

  it('404 (no such config) is NoServiceError', async () => {
    await expect(new MessageWriter({ config: 'missing' }).open()).rejects.toThrow(NoServiceError);
  });

  it('a service the config does not define is NoServiceError naming those it does', async () => {
    encryptedConfig('one');
    await expect(new MessageWriter({ config: 'one', service: 'nope' }).open()).rejects.toThrow(
      /service "nope" is not defined \(defined: svc\)/,
    );
  });

  it('500 is ConnectionError, retriable, with the status as code', async () => {
    encryptedConfig('broken');
    server.overrides.set('/api/v1/configs/broken', { status: 500, body: 'database down' });
    const open = new MessageWriter({ config: 'broken' }).open();
    await expect(open).rejects.toThrow(ConnectionError);
    await expect(open).rejects.toMatchObject({ code: 500, retriable: true });
    await expect(open).rejects.toThrow(/HTTP 500 database down/);
  });

  it('an answer that is not JSON, or not the protocol, is InvalidConfigError', async () => {
    encryptedConfig('garbled');
    server.overrides.set('/api/v1/configs/garbled', { status: 200, body: '<html>oops' });
    await expect(new MessageWriter({ config: 'garbled' }).open()).rejects.toThrow(
      InvalidConfigError,
    );
    server.overrides.set('/api/v1/configs/garbled', {
      status: 200,
      body: JSON.stringify({ name: 'garbled', config: { header: { version: 9 }, config: {} } }),
    });
    await expect(new MessageWriter({ config: 'garbled' }).open()).rejects.toThrow(
      /config.header.version 9 is not 1, 2 or 3/,
    );
    server.overrides.set('/api/v1/secrets/garbled-k2', {
      status: 200,
      body: JSON.stringify({ id: 'someone-else', target: 'svc.crypto.key', value: '' }),
    });
    await expect(new MessageWriter({ config: 'garbled' }).open()).rejects.toThrow(
      InvalidConfigError,
    );
  });

  it('a server slower than timeoutMs is a ConnectionError saying so, not a hang', async () => {
    encryptedConfig('slow');
    server.delayMs = 5_000;
    const open = new MessageWriter({ config: 'slow', configServer: { timeoutMs: 100 } }).open();
    await expect(open).rejects.toThrow(ConnectionError);
    await expect(open).rejects.toThrow(/no answer within 100 ms \(configServer.timeoutMs\)/);
    await expect(open).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('a config server nobody listens at is ConnectionError naming it', async () => {
    const authFile = join(home, 'nobody', 'auth.json');
    const fixture = await ConfigServerFixture.start(createPublicKey(readKeyPem()));
    fixture.writeAuthFile(join(home, 'nobody'));
    await fixture.stop();
    await expect(
      new MessageWriter({ config: 'x', configServer: { authFile } }).open(),
    ).rejects.toThrow(
      /^config server http:\/\/127.0.0.1:\d+: POST \/api\/v1\/authentication: .*ECONNREFUSED/,
    );
  });
});

describe('config as a name, used wrongly', () => {
  it('without auth.json: NoConfigError saying what the string means and what to do', async () => {
    vi.stubEnv('HOME', join(home, 'empty-home'));
    await expect(new MessageWriter({ config: 'name' }).open()).rejects.toThrow(NoConfigError);
    await expect(new MessageWriter({ config: 'name' }).open()).rejects.toThrow(
      /config "name" names a config on the SINETStream config server, which needs the API key file .*auth\.json.*pass an object as config/,
    );
  });

  it('an auth.json without a key it needs: InvalidConfigError naming file and key', async () => {
    const authFile = join(home, 'broken-auth.json');
    writeFileSync(authFile, JSON.stringify({ 'config-server': { address: server.address } }));
    const open = new MessageWriter({ config: 'x', configServer: { authFile } }).open();
    await expect(open).rejects.toThrow(InvalidConfigError);
    await expect(open).rejects.toThrow(`${authFile}: config-server.user is not a non-empty string`);
  });

  it('a YAML document as a string: InvalidArgumentError asking for an object', async () => {
    const open = new MessageWriter({ config: 's:\n  type: memory\n' }).open();
    await expect(open).rejects.toThrow(InvalidArgumentError);
    await expect(open).rejects.toThrow(/pass an inline config document as an object/);
  });
});

describe('publicKeyFingerprint', () => {
  it('is what ssh-keygen -l prints after SHA256: (the server looks keys up by it)', () => {
    // ssh-keygen -lf on this public key prints SHA256:<FINGERPRINT>.
    expect(publicKeyFingerprint(createPublicKey(FIXED_PUBLIC_KEY))).toBe(FIXED_FINGERPRINT);
  });
});

function readKeyPem(): string {
  return readFileSync(join(home, '.config', 'sinetstream', 'private_key.pem'), 'utf8');
}

const FIXED_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDlsTqCiPkWng7DdNNm2cFdtna1
91aXxqYFyX32EHNAzAINTZC6sHA65SdsYM/5j259VTwkGE0EwDLySaICh7WPy+7H
nk0TQZJaN9s8J69yNC92bGV1syYgLRZBQ0kHLIZr9GqdL0z2YT5A8lDYJFW4Qkbi
QPlArpI1gK7dLuOPAQIDAQAB
-----END PUBLIC KEY-----`;
/** Also what Python SINETStream 1.10's make_fingerprint gives for it. */
const FIXED_FINGERPRINT = 'UQyPT3hW1Gzg0BGU4EylRaRM4Bn2hgVaIZKcneCat78';
