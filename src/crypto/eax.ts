import { createCipheriv, type KeyObject, timingSafeEqual } from 'node:crypto';
import { AES_BLOCK, aesAlgorithm, Cmac } from './cmac.js';

/** The one-block tweak [t] that turns CMAC into OMAC^t (EAX paper, section 3). */
function tweak(t: number): Uint8Array {
  const block = new Uint8Array(AES_BLOCK);
  block[AES_BLOCK - 1] = t;
  return block;
}
const NONCE_TWEAK = tweak(0);
const HEADER_TWEAK = tweak(1);
const CIPHERTEXT_TWEAK = tweak(2);

export class EaxAuthenticationError extends Error {
  override name = 'EaxAuthenticationError';
}

/**
 * EAX mode (Bellare, Rogaway, Wagner 2004), which node:crypto lacks: CTR encryption starting
 * at OMAC^0(nonce), tag = OMAC^0(nonce) xor OMAC^1(header) xor OMAC^2(ciphertext), truncated.
 */
export class Eax {
  readonly #key: KeyObject;
  readonly #cmac: Cmac;
  readonly #tagLength: number;

  constructor(key: KeyObject, tagLength: number) {
    this.#key = key;
    this.#cmac = new Cmac(key);
    this.#tagLength = tagLength;
  }

  seal(
    nonce: Uint8Array,
    header: Uint8Array,
    plain: Uint8Array,
  ): { ciphertext: Buffer; tag: Buffer } {
    const n = this.#cmac.mac(nonce, NONCE_TWEAK);
    const ciphertext = this.#ctr(n, plain);
    return { ciphertext, tag: this.#tag(n, header, ciphertext) };
  }

  /** Throws EaxAuthenticationError when the tag does not match; nothing is decrypted then. */
  open(nonce: Uint8Array, header: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Buffer {
    const n = this.#cmac.mac(nonce, NONCE_TWEAK);
    const expected = this.#tag(n, header, ciphertext);
    if (tag.length !== expected.length || !timingSafeEqual(tag, expected)) {
      throw new EaxAuthenticationError('EAX tag mismatch');
    }
    return this.#ctr(n, ciphertext);
  }

  #tag(n: Buffer, header: Uint8Array, ciphertext: Uint8Array): Buffer {
    const h = this.#cmac.mac(header, HEADER_TWEAK);
    const c = this.#cmac.mac(ciphertext, CIPHERTEXT_TWEAK);
    const tag = Buffer.alloc(this.#tagLength);
    for (let i = 0; i < this.#tagLength; i++) tag[i] = n[i]! ^ h[i]! ^ c[i]!;
    return tag;
  }

  /** AES-CTR with the whole 128-bit block as counter, as EAX specifies and OpenSSL does. */
  #ctr(initialCounter: Buffer, data: Uint8Array): Buffer {
    const ctr = createCipheriv(aesAlgorithm(this.#key, 'ctr'), this.#key, initialCounter);
    return Buffer.concat([ctr.update(data), ctr.final()]);
  }
}
