import { InvalidArgumentError, InvalidMessageError } from '../errors.js';
import { type AesKey, deriveKey, MODE_SPECS, randomBytes } from './backend.js';
import { AES_BLOCK } from './cmac.js';
import type { KeyedMode, ModeSpec } from './mode-spec.js';
import type { CryptoParams } from './params.js';
import type { MessageCipher } from './types.js';

/**
 * How many (key version, salt) keys a reader remembers. Each writer has one salt, so this
 * is the number of concurrent writers served without re-running PBKDF2; the bound keeps a
 * stream of forged salts from growing memory without limit.
 */
const KEY_CACHE_SIZE = 64;

/**
 * Derivations a cipher runs at once, and how many more may wait for one. PBKDF2 runs on
 * libuv's threadpool (4 threads by default, shared with file system and DNS work), so a
 * flood of forged salts may take two threads and no more; messages past the queue are
 * refused rather than held. A reader decodes one message at a time, so only a decoder used
 * concurrently ever waits.
 */
const MAX_RUNNING_DERIVATIONS = 2;
const MAX_WAITING_DERIVATIONS = 16;

/** A counting semaphore whose queue is bounded: past it, `run` refuses the task. */
class DerivationSlots {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running < MAX_RUNNING_DERIVATIONS) this.#running++;
    else if (this.#waiting.length < MAX_WAITING_DERIVATIONS) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      throw new InvalidMessageError(
        `message has a salt not seen before while ${MAX_RUNNING_DERIVATIONS + MAX_WAITING_DERIVATIONS} ` +
          'keys are being derived or waiting to be; refused',
      );
    }
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, if any.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function pad(data: Uint8Array): Uint8Array {
  const n = AES_BLOCK - (data.length % AES_BLOCK);
  const out = new Uint8Array(data.length + n).fill(n, data.length);
  out.set(data);
  return out;
}

function unpad(data: Uint8Array): Uint8Array {
  const n = data[data.length - 1] ?? 0;
  const valid =
    n >= 1 && n <= AES_BLOCK && n <= data.length && data.subarray(-n).every((b) => b === n);
  if (!valid) throw new InvalidMessageError('message does not decrypt: bad pkcs7 padding');
  return data.subarray(0, data.length - n);
}

/** AES message encryption with SINETStream 1.10's layout: salt || iv || ciphertext || tag. */
export class AesMessageCipher implements MessageCipher {
  readonly keyVersion: number;
  readonly #params: CryptoParams;
  readonly #spec: ModeSpec<AesKey>;
  readonly #salt: Uint8Array;
  readonly #writer: KeyedMode;
  readonly #writerCacheKey: string;
  /** In least recently used order, first to last. */
  readonly #readers = new Map<string, KeyedMode>();
  /** Derivations under way, so that messages with the same new salt share one. */
  readonly #deriving = new Map<string, Promise<KeyedMode>>();
  readonly #slots = new DerivationSlots();

  /** `writerKey` is the key of `keyVersion` for `salt`, derived beforehand (asynchronously). */
  constructor(params: CryptoParams, keyVersion: number, salt: Uint8Array, writerKey: AesKey) {
    this.keyVersion = keyVersion;
    this.#params = params;
    this.#spec = MODE_SPECS[params.mode];
    this.#salt = salt;
    this.#writer = this.#spec.withKey(writerKey);
    this.#writerCacheKey = this.#cacheKey(keyVersion, salt);
  }

  encrypt(plain: Uint8Array): Uint8Array {
    const random = randomBytes(this.#spec.ivLength);
    const header = concat([this.#salt, this.#writer.carriedIv?.(random) ?? random]);
    const iv = header.subarray(this.#salt.length);
    const data = this.#params.pkcs7 ? pad(plain) : plain;
    if (this.#spec.blockAligned && data.length % AES_BLOCK !== 0) {
      // As PyCryptodome, which SINETStream 1.10 leaves to refuse it at publish time.
      throw new InvalidArgumentError(
        `crypto.padding: AES-${this.#params.mode} without padding encrypts only whole 16-byte blocks; this message is ${data.length} bytes (use padding: pkcs7)`,
      );
    }
    const { ciphertext, tag } = this.#writer.seal(iv, data, header);
    return concat([header, ciphertext, tag]);
  }

  async decrypt(blob: Uint8Array, keyVersion: number): Promise<Uint8Array> {
    const { saltBytes, pkcs7 } = this.#params;
    const { ivLength, tagLength, blockAligned } = this.#spec;
    const headerLength = saltBytes + ivLength;
    const cipherLength = blob.length - headerLength - tagLength;
    const wholeBlocks = cipherLength % AES_BLOCK === 0;
    // Padding adds at least one byte; without it, CBC may carry nothing at all.
    const aligned = pkcs7 ? cipherLength > 0 && wholeBlocks : !blockAligned || wholeBlocks;
    if (cipherLength < 0 || !aligned) {
      throw new InvalidMessageError(
        `message is too short or truncated for AES-${this.#params.mode} (${blob.length} bytes)`,
      );
    }
    const header = blob.subarray(0, headerLength);
    const mode = await this.#readerFor(keyVersion, blob.subarray(0, saltBytes));
    let plain: Uint8Array;
    try {
      plain = mode.open(
        header.subarray(saltBytes),
        blob.subarray(headerLength, headerLength + cipherLength),
        blob.subarray(headerLength + cipherLength),
        header,
      );
    } catch (error) {
      throw new InvalidMessageError(
        `message does not decrypt with key version ${keyVersion} (wrong key or password, or altered in transit)`,
        { cause: error },
      );
    }
    return pkcs7 ? unpad(plain) : plain;
  }

  #cacheKey(keyVersion: number, salt: Uint8Array): string {
    // A raw key does not depend on the salt, so one entry serves every writer.
    const source = this.#params.keys.get(keyVersion);
    return source?.kind === 'key'
      ? `${keyVersion}`
      : `${keyVersion}:${String.fromCharCode(...salt)}`;
  }

  async #readerFor(keyVersion: number, salt: Uint8Array): Promise<KeyedMode> {
    const cacheKey = this.#cacheKey(keyVersion, salt);
    if (cacheKey === this.#writerCacheKey) return this.#writer;
    const cached = this.#readers.get(cacheKey);
    if (cached) {
      this.#readers.delete(cacheKey);
      this.#readers.set(cacheKey, cached);
      return cached;
    }
    const source = this.#params.keys.get(keyVersion);
    if (!source) {
      const known = [...this.#params.keys.keys()].join(', ');
      throw new InvalidMessageError(
        `message key version ${keyVersion} is not configured (known: ${known})`,
      );
    }
    let deriving = this.#deriving.get(cacheKey);
    if (!deriving) {
      const saltCopy = Uint8Array.from(salt);
      deriving = this.#slots
        .run(() => deriveKey(this.#params, source, saltCopy))
        .then((key) => this.#remember(cacheKey, this.#spec.withKey(key)))
        .finally(() => this.#deriving.delete(cacheKey));
      this.#deriving.set(cacheKey, deriving);
    }
    return deriving;
  }

  #remember(cacheKey: string, mode: KeyedMode): KeyedMode {
    if (this.#readers.size >= KEY_CACHE_SIZE) {
      this.#readers.delete(this.#readers.keys().next().value!);
    }
    this.#readers.set(cacheKey, mode);
    return mode;
  }
}
