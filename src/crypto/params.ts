import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from '../errors.js';
import { AES_MODES, type AesMode } from './modes.js';
import { Secret } from './secret.js';

export type Prf = 'sha256' | 'sha384' | 'sha512';

/** Where a key version's AES key comes from: used as is, or derived with PBKDF2. */
export interface KeySource {
  readonly kind: 'key' | 'password';
  readonly secret: Secret;
}

/** A validated `crypto:` block, with SINETStream 1.10's defaults filled in. */
export interface CryptoParams {
  /** AES key size in bytes (16, 24 or 32). */
  readonly keyBytes: number;
  readonly mode: AesMode;
  readonly pkcs7: boolean;
  readonly saltBytes: number;
  readonly iteration: number;
  readonly prf: Prf;
  /** Key version -> key source; a plain `key` or `password` is version 1. */
  readonly keys: ReadonlyMap<number, KeySource>;
}

const PRFS: Readonly<Record<string, Prf>> = {
  'HMAC-SHA256': 'sha256',
  'HMAC-SHA384': 'sha384',
  'HMAC-SHA512': 'sha512',
};
const KDF_ALGORITHMS = ['pbkdf2', 'PBKDF2WithHmacSHA256'];
const PADDINGS: Readonly<Record<string, boolean>> = { none: false, nopadding: false, pkcs7: true };
const MAX_KEY_VERSION = 0xffff; // the v3 packet header carries it as uint16
/**
 * 1000 times upstream's default (10,000) and 16 times OWASP's advice for PBKDF2-HMAC-SHA256
 * (600,000), yet only seconds of one thread per key: a config cannot make each new salt a
 * reader sees cost minutes.
 */
export const MAX_ITERATION = 10_000_000;

function invalid(key: string, message: string, cause?: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`crypto.${key}: ${message}`, { cause });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array);
}

function integerIn(key: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(key, `must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

function oneOf<T>(
  key: string,
  value: unknown,
  table: Readonly<Record<string, T>>,
  fold = false,
): T {
  const name = typeof value === 'string' ? (fold ? value.toLowerCase() : value) : undefined;
  if (name === undefined || !Object.hasOwn(table, name)) {
    throw invalid(key, `must be one of ${Object.keys(table).join(', ')}, got ${String(value)}`);
  }
  return table[name]!;
}

/**
 * PyCryptodome turns a str password into bytes as Latin-1, so that is what keys are derived
 * from; characters beyond U+00FF would make SINETStream (Python) fail, so we refuse them.
 */
function passwordBytes(key: string, password: string): Secret {
  const bytes = Buffer.from(password, 'latin1');
  // Latin-1 encoding keeps only the low byte of each character, so a round trip shows loss.
  if (bytes.toString('latin1') !== password) {
    throw invalid(key, 'contains characters beyond U+00FF, which SINETStream cannot use');
  }
  return new Secret(bytes);
}

/** `password` as upstream accepts it: a string, `{value}` or `{path}` (value wins). */
async function readPassword(key: string, password: unknown): Promise<Secret> {
  if (typeof password === 'string') return passwordBytes(key, password);
  if (password instanceof Uint8Array) return new Secret(password);
  if (isRecord(password)) {
    if (typeof password.value === 'string') return passwordBytes(`${key}.value`, password.value);
    if (typeof password.path === 'string') {
      let text: string;
      try {
        // Used verbatim, trailing newline included, as SINETStream (Python) does.
        text = await readFile(password.path, 'utf8');
      } catch (error) {
        throw invalid(`${key}.path`, `cannot read ${password.path}`, error);
      }
      return passwordBytes(`${key}.path`, text);
    }
  }
  throw invalid(key, 'must be a string, {value: string} or {path: file}');
}

function rawKey(key: string, value: Uint8Array | Secret, keyBytes: number): Secret {
  const secret = value instanceof Secret ? value : new Secret(value);
  const length = secret.reveal().length;
  if (length !== keyBytes) {
    throw invalid(
      key,
      `must be ${keyBytes} bytes for key_length ${keyBytes * 8}, got ${length} bytes`,
    );
  }
  return secret;
}

/** A `_keys` entry: bytes (or a Secret, as the config server's keys are) are a raw key, anything else a password. */
async function versionKey(key: string, value: unknown, keyBytes: number): Promise<KeySource> {
  return value instanceof Uint8Array || value instanceof Secret
    ? { kind: 'key', secret: rawKey(key, value, keyBytes) }
    : { kind: 'password', secret: await readPassword(key, value) };
}

/**
 * Key versions. Upstream fills `_keys` ({version: key bytes}) from its config server; we also
 * accept a password (any form `password` takes) per version.
 */
async function readKeyVersions(
  entries: unknown,
  keyBytes: number,
): Promise<Map<number, KeySource>> {
  if (!isRecord(entries) && !(entries instanceof Map)) {
    throw invalid('_keys', 'must map key versions (1..65535) to keys or passwords');
  }
  const pairs = entries instanceof Map ? [...entries] : Object.entries(entries);
  if (pairs.length === 0) throw invalid('_keys', 'has no key versions');
  const keys = new Map<number, KeySource>();
  for (const [name, value] of pairs) {
    const version = Number(name);
    integerIn(`_keys.${String(name)}`, version, 1, MAX_KEY_VERSION);
    keys.set(version, await versionKey(`_keys.${version}`, value, keyBytes));
  }
  return keys;
}

async function readKeys(crypto: Readonly<Record<string, unknown>>, keyBytes: number) {
  const given = ['_keys', 'key', 'password'].filter((name) => crypto[name] != null);
  if (given.length !== 1) {
    throw new InvalidArgumentError(
      given.length === 0
        ? 'crypto: needs one of password, key or _keys'
        : `crypto: ${given.join(' and ')} are mutually exclusive`,
    );
  }
  if (crypto._keys != null) return readKeyVersions(crypto._keys, keyBytes);
  if (crypto.key != null) {
    if (!(crypto.key instanceof Uint8Array) && !(crypto.key instanceof Secret)) {
      throw invalid('key', 'must be bytes (in YAML: !!binary <base64>)');
    }
    return new Map([[1, { kind: 'key', secret: rawKey('key', crypto.key, keyBytes) } as const]]);
  }
  return new Map([
    [1, { kind: 'password', secret: await readPassword('password', crypto.password) } as const],
  ]);
}

/** Validates a `crypto:` block; reads `password.path` files. */
export async function readCryptoParams(
  crypto: Readonly<Record<string, unknown>>,
): Promise<CryptoParams> {
  oneOf('algorithm', crypto.algorithm, { aes: 'AES' }, true);
  const keyBits = crypto.key_length ?? 128;
  if (keyBits !== 128 && keyBits !== 192 && keyBits !== 256) {
    throw invalid('key_length', `must be 128, 192 or 256, got ${String(keyBits)}`);
  }
  const keyBytes = keyBits / 8;
  const modeName = typeof crypto.mode === 'string' ? crypto.mode.toUpperCase() : crypto.mode;
  const mode = oneOf('mode', modeName, Object.fromEntries(AES_MODES.map((m) => [m, m])));
  const pkcs7 = crypto.padding == null ? false : oneOf('padding', crypto.padding, PADDINGS, true);
  if (mode === 'CBC' && !pkcs7) {
    throw invalid('padding', 'mode CBC needs padding: pkcs7 (messages are not whole blocks)');
  }
  const kdf = crypto.key_derivation ?? {};
  if (!isRecord(kdf)) throw invalid('key_derivation', 'must be a mapping');
  if (!KDF_ALGORITHMS.includes(String(kdf.algorithm ?? 'pbkdf2'))) {
    throw invalid('key_derivation.algorithm', `must be pbkdf2, got ${String(kdf.algorithm)}`);
  }
  return {
    keyBytes,
    mode,
    pkcs7,
    saltBytes: integerIn('key_derivation.salt_bytes', kdf.salt_bytes ?? 8, 0, 1024),
    iteration: integerIn('key_derivation.iteration', kdf.iteration ?? 10000, 1, MAX_ITERATION),
    prf: oneOf('key_derivation.prf', kdf.prf ?? 'HMAC-SHA256', PRFS),
    keys: await readKeys(crypto, keyBytes),
  };
}
