import { type BlockCipher, equalInConstantTime } from './block-cipher.js';
import { AES_BLOCK, Cmac } from './cmac.js';
import type { ModeSpec } from './mode-spec.js';

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
 * EAX mode (Bellare, Rogaway, Wagner 2004), which neither node:crypto nor WebCrypto has: CTR
 * encryption starting at OMAC^0(nonce), tag = OMAC^0(nonce) xor OMAC^1(header) xor
 * OMAC^2(ciphertext), truncated.
 */
export class Eax {
  readonly #aes: BlockCipher;
  readonly #cmac: Cmac;
  readonly #tagLength: number;

  constructor(aes: BlockCipher, tagLength: number) {
    this.#aes = aes;
    this.#cmac = new Cmac(aes);
    this.#tagLength = tagLength;
  }

  seal(
    nonce: Uint8Array,
    header: Uint8Array,
    plain: Uint8Array,
  ): { ciphertext: Uint8Array; tag: Uint8Array } {
    const n = this.#cmac.mac(nonce, NONCE_TWEAK);
    const ciphertext = this.#aes.ctr(n, plain);
    return { ciphertext, tag: this.#tag(n, header, ciphertext) };
  }

  /** Throws EaxAuthenticationError when the tag does not match; nothing is decrypted then. */
  open(nonce: Uint8Array, header: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Uint8Array {
    const n = this.#cmac.mac(nonce, NONCE_TWEAK);
    if (!equalInConstantTime(tag, this.#tag(n, header, ciphertext))) {
      throw new EaxAuthenticationError('EAX tag mismatch');
    }
    return this.#aes.ctr(n, ciphertext);
  }

  #tag(n: Uint8Array, header: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    const h = this.#cmac.mac(header, HEADER_TWEAK);
    const c = this.#cmac.mac(ciphertext, CIPHERTEXT_TWEAK);
    const tag = new Uint8Array(this.#tagLength);
    for (let i = 0; i < this.#tagLength; i++) tag[i] = n[i]! ^ h[i]! ^ c[i]!;
    return tag;
  }
}

/** EAX with SINETStream's 16-byte nonce and 8-byte tag, on each platform's AES block function. */
export function eaxMode<K>(blockCipherOf: (key: K) => BlockCipher): ModeSpec<K> {
  return {
    ivLength: 16,
    tagLength: 8,
    blockAligned: false,
    withKey(key) {
      const eax = new Eax(blockCipherOf(key), 8);
      return {
        seal: (iv, plain, aad) => eax.seal(iv, aad, plain),
        open: (iv, ciphertext, tag, aad) => eax.open(iv, aad, ciphertext, tag),
      };
    },
  };
}
