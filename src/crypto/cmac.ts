import type { BlockCipher } from './block-cipher.js';

export const AES_BLOCK = 16;

/** Up to this many bytes, CMAC chains blocks itself instead of running AES-CBC. */
const SHORT_INPUT = 8 * AES_BLOCK;

/** Multiplication by x in GF(2^128), which RFC 4493 uses to derive the CMAC subkeys. */
function double(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(AES_BLOCK);
  for (let i = 0; i < AES_BLOCK; i++) {
    const carry = i + 1 < AES_BLOCK ? block[i + 1]! >>> 7 : 0;
    out[i] = ((block[i]! << 1) | carry) & 0xff;
  }
  if (block[0]! & 0x80) out[AES_BLOCK - 1]! ^= 0x87;
  return out;
}

/**
 * AES-CMAC (RFC 4493, also called OMAC1), which neither node:crypto nor WebCrypto has: built
 * from one-block AES (for the subkeys and short input) and AES-CBC with a zero IV.
 */
export class Cmac {
  readonly #aes: BlockCipher;
  readonly #k1: Uint8Array;
  readonly #k2: Uint8Array;

  constructor(aes: BlockCipher) {
    this.#aes = aes;
    this.#k1 = double(aes.encryptBlock(new Uint8Array(AES_BLOCK)));
    this.#k2 = double(this.#k1);
  }

  /** CMAC of `prefix || data`; the prefix lets EAX's OMAC^t avoid a second copy of data. */
  mac(data: Uint8Array, prefix: Uint8Array = new Uint8Array(0)): Uint8Array {
    const total = prefix.length + data.length;
    const complete = total > 0 && total % AES_BLOCK === 0;
    const padded = complete ? total : total + AES_BLOCK - (total % AES_BLOCK);
    const message = new Uint8Array(padded);
    message.set(prefix, 0);
    message.set(data, prefix.length);
    if (!complete) message[total] = 0x80;
    const subkey = complete ? this.#k1 : this.#k2;
    for (let i = 0; i < AES_BLOCK; i++) message[padded - AES_BLOCK + i]! ^= subkey[i]!;
    return padded <= SHORT_INPUT ? this.#chainShort(message) : this.#aes.cbcLastBlock(message);
  }

  /** CBC chaining by hand, one block at a time: cheaper than a CBC run for a few blocks. */
  #chainShort(message: Uint8Array): Uint8Array {
    let state: Uint8Array = new Uint8Array(AES_BLOCK);
    for (let at = 0; at < message.length; at += AES_BLOCK) {
      for (let i = 0; i < AES_BLOCK; i++) state[i]! ^= message[at + i]!;
      state = this.#aes.encryptBlock(state);
    }
    return state;
  }
}
