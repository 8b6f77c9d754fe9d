import { createCipheriv, createDecipheriv, type KeyObject } from 'node:crypto';
import { AES_BLOCK } from './cmac.js';
import { eaxMode } from './eax.js';
import type { AesMode, ModeSpec } from './mode-spec.js';
import { aesAlgorithm, nodeBlockCipher } from './node-aes.js';
import { openPgpMode } from './openpgp.js';

export { AES_MODES, type AesMode, type KeyedMode, type ModeSpec } from './mode-spec.js';

const EMPTY = Buffer.alloc(0);

/** A mode without authentication; associated data plays no part. */
function unauthenticated(opensslMode: string, blockAligned: boolean): ModeSpec<KeyObject> {
  return {
    ivLength: AES_BLOCK,
    tagLength: 0,
    blockAligned,
    withKey(key) {
      const algorithm = aesAlgorithm(key, opensslMode);
      return {
        seal(iv, plain) {
          const cipher = createCipheriv(algorithm, key, iv).setAutoPadding(false);
          return { ciphertext: Buffer.concat([cipher.update(plain), cipher.final()]), tag: EMPTY };
        },
        open(iv, ciphertext) {
          const decipher = createDecipheriv(algorithm, key, iv).setAutoPadding(false);
          return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
        },
      };
    },
  };
}

/** One pass of AES-CFB with 128-bit segments (OpenSSL's cfb), as OpenPGP uses it. */
function cfb128(key: KeyObject, iv: Uint8Array, data: Uint8Array, encrypt: boolean): Buffer {
  const algorithm = aesAlgorithm(key, 'cfb');
  const cipher = encrypt
    ? createCipheriv(algorithm, key, iv)
    : createDecipheriv(algorithm, key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

const OPENPGP = openPgpMode<KeyObject>(
  (key) => (iv, data, decrypting) => cfb128(key, iv, data, !decrypting),
);

/*
 * Sizes are PyCryptodome's defaults as SINETStream 1.10 uses them: 16-byte IVs and nonces,
 * CFB with 8-bit segments (hence OpenSSL's cfb8), CTR with a full 16-byte initial counter
 * block, EAX tags of 8 bytes and GCM tags of 16.
 */
export const MODE_SPECS: Readonly<Record<AesMode, ModeSpec<KeyObject>>> = {
  CBC: unauthenticated('cbc', true),
  CFB: unauthenticated('cfb8', false),
  OFB: unauthenticated('ofb', false),
  CTR: unauthenticated('ctr', false),
  OPENPGP,
  OPENPGPCFB: OPENPGP,
  GCM: {
    ivLength: 16,
    tagLength: 16,
    blockAligned: false,
    withKey(key) {
      const algorithm = aesAlgorithm(key, 'gcm') as 'aes-128-gcm';
      return {
        seal(iv, plain, aad) {
          const cipher = createCipheriv(algorithm, key, iv, { authTagLength: 16 }).setAAD(aad);
          const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
          return { ciphertext, tag: cipher.getAuthTag() };
        },
        open(iv, ciphertext, tag, aad) {
          const decipher = createDecipheriv(algorithm, key, iv, { authTagLength: 16 });
          decipher.setAuthTag(tag).setAAD(aad);
          return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
        },
      };
    },
  },
  EAX: eaxMode(nodeBlockCipher),
};
