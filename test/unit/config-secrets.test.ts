import { generateKeyPairSync } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decryptServiceSecrets } from '../../src/config/secrets.js';
import { parseConfigDocument, selectService } from '../../src/config/services.js';
import { parseYaml } from '../../src/config/yaml.js';
import { createMessageDecoder, createMessageEncoder, InvalidConfigError } from '../../src/index.js';
import { homeWithPrivateKey, sealSecret } from '../fixtures/seal-secret.js';

const homes: string[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function newHome(passphrase?: string) {
  const made = homeWithPrivateKey(passphrase);
  homes.push(made.home);
  return { ...made, keyPath: join(made.home, '.config/sinetstream/private_key.pem') };
}

function service(yaml: string) {
  return selectService(parseConfigDocument(parseYaml(yaml, 'test.yml'), 'test.yml'), 'svc');
}

describe('!sinetstream/encrypted values', () => {
  it('are decrypted with ~/.config/sinetstream/private_key.pem, in common and broker keys', () => {
    const { publicKey, keyPath } = newHome();
    const definition = service(`
svc:
  type: mqtt
  brokers: [127.0.0.1]
  crypto: { password: !sinetstream/encrypted ${sealSecret('s3cret pass', publicKey)} }
  username_pw_set:
    username: alice
    password: !sinetstream/encrypted ${sealSecret('alice-pw', publicKey)}
`);
    const plain = decryptServiceSecrets(definition, { path: keyPath });
    expect(plain.common.crypto).toEqual({ password: 's3cret pass' });
    expect(plain.brokerSpecific.username_pw_set).toEqual({
      username: 'alice',
      password: 'alice-pw',
    });
  });

  it('give bytes when the plaintext is not UTF-8 text', () => {
    const { publicKey, keyPath } = newHome();
    const key = Uint8Array.of(0xff, 0x00, 0x80, 0x7f);
    const definition = service(`
svc:
  crypto: { key: !sinetstream/encrypted ${sealSecret(key, publicKey)} }
`);
    expect(decryptServiceSecrets(definition, { path: keyPath }).common.crypto).toEqual({ key });
  });

  it('open a passphrase-protected key with SINETSTREAM_PRIVATE_KEY_PASSPHRASE', () => {
    const { publicKey, keyPath } = newHome('open sesame');
    vi.stubEnv('SINETSTREAM_PRIVATE_KEY_PASSPHRASE', 'open sesame');
    const definition = service(`
svc:
  password: !sinetstream/encrypted ${sealSecret('pw', publicKey)}
`);
    expect(decryptServiceSecrets(definition, { path: keyPath }).brokerSpecific.password).toBe('pw');
  });

  it('sealed for another key: InvalidConfigError naming the key, not the secret', () => {
    const { keyPath } = newHome();
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const definition = service(`
svc:
  crypto: { password: !sinetstream/encrypted ${sealSecret('do-not-print-me', other)} }
`);
    const error = (() => {
      try {
        decryptServiceSecrets(definition, { path: keyPath });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(error?.message).toContain('crypto.password');
    expect(error?.message).not.toContain('do-not-print-me');
    expect(error?.cause).toBeDefined();
  });

  it('without a private key: InvalidConfigError naming the key file', () => {
    const { publicKey, home } = newHome();
    const missing = join(home, 'nowhere.pem');
    const definition = service(`
svc:
  password: !sinetstream/encrypted ${sealSecret('pw', publicKey)}
`);
    expect(() => decryptServiceSecrets(definition, { path: missing })).toThrow(
      expect.objectContaining({
        name: 'InvalidConfigError',
        message: expect.stringContaining(missing),
      }),
    );
  });

  it('a damaged value is an InvalidConfigError', () => {
    const { publicKey, keyPath } = newHome();
    const sealed = Buffer.from(sealSecret('pw', publicKey), 'base64');
    sealed[sealed.length - 1]! ^= 1;
    const definition = service(`
svc:
  password: !sinetstream/encrypted ${sealed.toString('base64')}
`);
    expect(() => decryptServiceSecrets(definition, { path: keyPath })).toThrow(InvalidConfigError);
  });

  it('a service without encrypted values needs no private key', () => {
    const definition = service('svc: { type: mqtt, password: plain }');
    expect(decryptServiceSecrets(definition, { path: '/nonexistent/key.pem' })).toBe(definition);
  });

  it('an encrypted crypto.password in the config file encrypts messages like the plain one', async () => {
    const { publicKey, home } = newHome();
    vi.stubEnv('HOME', home);
    const file = join(home, 'config.yml');
    writeFileSync(
      file,
      `svc:
  data_encryption: true
  crypto: { algorithm: AES, key_length: 128, mode: GCM, password: !sinetstream/encrypted ${sealSecret('shared pw', publicKey)} }
`,
    );
    const encoder = await createMessageEncoder({ service: 'svc', configFile: file });
    const decoder = await createMessageDecoder({
      noConfig: true,
      dataEncryption: true,
      crypto: { algorithm: 'AES', key_length: 128, mode: 'GCM', password: 'shared pw' },
    });
    const bytes = encoder.encode(new TextEncoder().encode('hello'));
    expect(new TextDecoder().decode((await decoder.decode(bytes)).value)).toBe('hello');
  });
});
