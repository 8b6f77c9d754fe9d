import { createCipheriv, type KeyObject } from 'node:crypto';
import type { BlockCipher } from './block-cipher.js';
import { AES_BLOCK } from './cmac.js';

/** The OpenSSL cipher name for AES with this key's size, e.g. `aes-256-ctr`. */
export function aesAlgorithm(key: KeyObject, mode: string): string {
  return `aes-${(key.symmetricKeySize ?? 0) * 8}-${mode}`;
}

/** AES block primitives on node:crypto (OpenSSL). */
export function nodeBlockCipher(key: KeyObject): BlockCipher {
  // Kept open: ECB encrypts each `update` independently, so one object serves every call.
  const ecb = createCipheriv(aesAlgorithm(key, 'ecb'), key, null).setAutoPadding(false);
  return {
    encryptBlock: (block) => ecb.update(block),
    cbcLastBlock(message) {
      const cbc = createCipheriv(aesAlgorithm(key, 'cbc'), key, Buffer.alloc(AES_BLOCK));
      return cbc
        .setAutoPadding(false)
        .update(message)
        .subarray(message.length - AES_BLOCK);
    },
    ctr(initialCounter, data) {
      const ctr = createCipheriv(aesAlgorithm(key, 'ctr'), key, initialCounter);
      return Buffer.concat([ctr.update(data), ctr.final()]);
    },
  };
}
