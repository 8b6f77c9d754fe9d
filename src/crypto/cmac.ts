import { type Cipher, createCipheriv, type KeyObject } from 'node:crypto';

export const AES_BLOCK = 16;

/** Up to this many bytes, CMAC chains blocks itself instead of creating an AES-CBC cipher. */
const SHORT_INPUT = 8 * AES_BLOCK;

/** The OpenSSL cipher name for AES with this key's size, e.g. `aes-256-ctr`. */
export function aesAlgorithm(key: KeyObject, mode: string): string {
  return `aes-${(key.symmetricKeySize ?? 0) * 8}-${mode}`;
}

/** Multiplication by x in GF(2^128), which RFC 4493 uses to derive the CMAC subkeys. */
function double(block: Uint8Array): Buffer {
  const out = Buffer.alloc(AES_BLOCK);
  for (let i = 0; i < AES_BLOCK; i++) {
    const carry = i + 1 < AES_BLOCK ? block[i + 1]! >>> 7 : 0;
    out[i] = ((block[i]! << 1) | carry) & 0xff;
  }
  if (block[0]! & 0x80) out[AES_BLOCK - 1]! ^= 0x87;
  return out;
}

/**
 * AES-CMAC (RFC 4493, also called OMAC1). node:crypto has no CMAC, so it is built from
 * AES-ECB (for the subkeys) and AES-CBC with a zero IV (for the chaining).
 */
export class Cmac {
  readonly #key: KeyObject;
  /** Kept open: ECB encrypts each `update` independently, so one object serves every call. */
  readonly #ecb: Cipher;
  readonly #k1: Buffer;
  readonly #k2: Buffer;

  constructor(key: KeyObject) {
    this.#key = key;
    this.#ecb = createCipheriv(aesAlgorithm(key, 'ecb'), key, null).setAutoPadding(false);
    const l = this.#ecb.update(Buffer.alloc(AES_BLOCK));
    this.#k1 = double(l);
    this.#k2 = double(this.#k1);
  }

  /** CMAC of `prefix || data`; the prefix lets EAX's OMAC^t avoid a second copy of data. */
  mac(data: Uint8Array, prefix: Uint8Array = new Uint8Array(0)): Buffer {
    const total = prefix.length + data.length;
    const complete = total > 0 && total % AES_BLOCK === 0;
    const padded = complete ? total : total + AES_BLOCK - (total % AES_BLOCK);
    const message = Buffer.alloc(padded);
    message.set(prefix, 0);
    message.set(data, prefix.length);
    if (!complete) message[total] = 0x80;
    const subkey = complete ? this.#k1 : this.#k2;
    for (let i = 0; i < AES_BLOCK; i++) message[padded - AES_BLOCK + i]! ^= subkey[i]!;
    return padded <= SHORT_INPUT ? this.#chainShort(message) : this.#chainLong(message);
  }

  /** CBC chaining by hand on the open ECB object: cheaper than a new cipher for a few blocks. */
  #chainShort(message: Buffer): Buffer {
    let state = Buffer.alloc(AES_BLOCK);
    for (let at = 0; at < message.length; at += AES_BLOCK) {
      for (let i = 0; i < AES_BLOCK; i++) state[i]! ^= message[at + i]!;
      state = this.#ecb.update(state);
    }
    return state;
  }

  #chainLong(message: Buffer): Buffer {
    const cbc = createCipheriv(aesAlgorithm(this.#key, 'cbc'), this.#key, Buffer.alloc(AES_BLOCK));
    const chained = cbc.setAutoPadding(false).update(message);
    return chained.subarray(message.length - AES_BLOCK);
  }
}
