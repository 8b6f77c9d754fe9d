import { AES_BLOCK } from './cmac.js';
import type { ModeSpec } from './mode-spec.js';

/** AES-CFB with 128-bit segments under one key, from `iv`; `decrypting` says which way. */
export type Cfb128 = (iv: Uint8Array, data: Uint8Array, decrypting: boolean) => Uint8Array;

const EMPTY = new Uint8Array(0);

/**
 * PyCryptodome's MODE_OPENPGP (RFC 4880 CFB without the resynchronisation step), over the
 * platform's CFB-128 (`cfbFor` binds it to a key): the message carries the 16-byte random IV
 * with its last two bytes repeated, encrypted with CFB from a zero IV (18 bytes), and the
 * data is CFB-encrypted from the last 16 of those 18 bytes. PyCryptodome does not check the
 * repeated bytes when decrypting, so neither do we.
 */
export function openPgpMode<Key>(cfbFor: (key: Key) => Cfb128): ModeSpec<Key> {
  return {
    ivLength: AES_BLOCK + 2,
    tagLength: 0,
    blockAligned: false,
    withKey(key) {
      const cfb = cfbFor(key);
      const zero = new Uint8Array(AES_BLOCK);
      const dataIv = (carried: Uint8Array) => carried.subarray(2);
      return {
        carriedIv(random) {
          const repeated = new Uint8Array(AES_BLOCK + 2);
          repeated.set(random.subarray(0, AES_BLOCK));
          repeated.set(random.subarray(AES_BLOCK - 2, AES_BLOCK), AES_BLOCK);
          return cfb(zero, repeated, false);
        },
        seal: (iv, plain) => ({ ciphertext: cfb(dataIv(iv), plain, false), tag: EMPTY }),
        open: (iv, ciphertext) => cfb(dataIv(iv), ciphertext, true),
      };
    },
  };
}
