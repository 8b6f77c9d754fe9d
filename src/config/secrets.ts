import {
  constants,
  createDecipheriv,
  createPrivateKey,
  type KeyObject,
  privateDecrypt,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InvalidConfigError } from '../errors.js';
import type { ServiceDefinition } from './services.js';
import { EncryptedSecret } from './yaml.js';

/**
 * `!sinetstream/encrypted` values, in the layout Python SINETStream 1.10 reads: a 4-byte
 * header (version 1, RSA = 1, AES-GCM = 1), the AES key encrypted with RSA-OAEP-SHA256 (as
 * long as the RSA modulus), a 12-byte nonce, the ciphertext, and a 16-byte tag; the header,
 * encrypted key and nonce are authenticated data.
 */
const HEADER = Uint8Array.of(0, 1, 1, 1);
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface SecretKeySource {
  /** The PEM private key; upstream's place is `~/.config/sinetstream/private_key.pem`. */
  readonly path?: string;
  /** Upstream reads it from SINETSTREAM_PRIVATE_KEY_PASSPHRASE. */
  readonly passphrase?: string;
}

export function defaultPrivateKeyPath(home = homedir()): string {
  return join(home, '.config', 'sinetstream', 'private_key.pem');
}

/** The service with every encrypted value replaced by its plaintext; the key is read only if needed. */
export function decryptServiceSecrets(
  definition: ServiceDefinition,
  source: SecretKeySource = {},
): ServiceDefinition {
  let key: KeyObject | undefined;
  const where = `service "${definition.name}": `;
  const decryptAt = (secret: EncryptedSecret, path: string) => {
    key ??= loadPrivateKey(source, `${where}${path}`);
    return decryptSecret(secret, key, `${where}${path}`);
  };
  const walk = (value: unknown, path: string): unknown => {
    if (value instanceof EncryptedSecret) return decryptAt(value, path);
    if (Array.isArray(value)) return value.map((item, i) => walk(item, `${path}[${i}]`));
    if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, walk(v, path === '' ? k : `${path}.${k}`)]),
      );
    }
    return value;
  };
  if (!containsSecret(definition)) return definition;
  return {
    name: definition.name,
    common: walk(definition.common, '') as Record<string, unknown>,
    brokerSpecific: walk(definition.brokerSpecific, '') as Record<string, unknown>,
  };
}

function containsSecret(value: unknown): boolean {
  if (value instanceof EncryptedSecret) return true;
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return false;
  return Object.values(value).some(containsSecret);
}

/** The user's RSA private key; InvalidConfigError naming `where` (what needs it) when unreadable. */
export function loadPrivateKey(source: SecretKeySource, where: string): KeyObject {
  const path = source.path ?? defaultPrivateKeyPath();
  const passphrase = source.passphrase ?? process.env.SINETSTREAM_PRIVATE_KEY_PASSPHRASE;
  try {
    return createPrivateKey({ key: readFileSync(path), format: 'pem', passphrase });
  } catch (error) {
    throw new InvalidConfigError(
      `${where} is encrypted, and the private key ${path} cannot be read (${(error as Error).message})`,
      { cause: error },
    );
  }
}

/**
 * The plaintext as text when it is valid UTF-8 (passwords, keys typed by a person), else as
 * bytes; upstream hands both over as bytes, which its plugins accept where text is expected.
 */
export function decryptSecret(
  secret: EncryptedSecret,
  key: KeyObject,
  where: string,
): string | Uint8Array {
  return textIfUtf8(decryptSecretBytes(secret, key, where));
}

/** A decrypted value as text when it is valid UTF-8, else as the bytes. */
export function textIfUtf8(plaintext: Uint8Array): string | Uint8Array {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  } catch {
    return plaintext;
  }
}

/** The plaintext as bytes, whatever it holds (a raw AES key must never become text). */
export function decryptSecretBytes(
  secret: EncryptedSecret,
  key: KeyObject,
  where: string,
): Uint8Array {
  const data = Buffer.from(secret.ciphertext, 'base64');
  const keyBytes = (key.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  const fail = (reason: string, cause?: unknown): never => {
    throw new InvalidConfigError(`${where}: cannot decrypt the encrypted value: ${reason}`, {
      cause,
    });
  };
  if (data.length < HEADER.length + keyBytes + NONCE_BYTES + TAG_BYTES) fail('too short');
  if (!data.subarray(0, HEADER.length).equals(HEADER)) {
    fail(`unsupported header ${data.subarray(0, HEADER.length).toString('hex')} (want 00010101)`);
  }
  try {
    return new Uint8Array(openSealed(data, key, keyBytes));
  } catch (error) {
    return fail('it was not encrypted for this private key, or it is damaged', error);
  }
}

function openSealed(data: Buffer, key: KeyObject, keyBytes: number): Buffer {
  const keyEnd = HEADER.length + keyBytes;
  const nonceEnd = keyEnd + NONCE_BYTES;
  const aesKey = privateDecrypt(
    { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    data.subarray(HEADER.length, keyEnd),
  );
  const decipher = createDecipheriv(
    `aes-${aesKey.length * 8}-gcm` as 'aes-256-gcm',
    aesKey,
    data.subarray(keyEnd, nonceEnd),
  );
  decipher.setAAD(data.subarray(0, nonceEnd));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  return Buffer.concat([
    decipher.update(data.subarray(nonceEnd, data.length - TAG_BYTES)),
    decipher.final(),
  ]);
}
