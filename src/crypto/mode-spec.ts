/** What an AES mode is, whatever carries it out (node:crypto in Node, @noble/ciphers in a browser). */

/** The modes SINETStream 1.10 (Python) takes; OPENPGPCFB is its other name for OPENPGP. */
export const AES_MODES = [
  'CBC',
  'CFB',
  'OFB',
  'CTR',
  'OPENPGP',
  'OPENPGPCFB',
  'EAX',
  'GCM',
] as const;
export type AesMode = (typeof AES_MODES)[number];

/** One AES mode bound to one key. `open` throws when the data cannot be authenticated. */
export interface KeyedMode {
  /**
   * The IV a message carries, made from `ivLength` random bytes; absent, those bytes are the
   * IV. OPENPGP carries its IV encrypted.
   */
  carriedIv?(random: Uint8Array): Uint8Array;
  seal(
    iv: Uint8Array,
    plain: Uint8Array,
    aad: Uint8Array,
  ): { ciphertext: Uint8Array; tag: Uint8Array };
  open(iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Uint8Array;
}

/** A mode's sizes, and how to bind it to a key (a KeyObject in Node, bytes in the browser). */
export interface ModeSpec<Key> {
  /** Bytes of IV / nonce / initial counter block carried in each message. */
  readonly ivLength: number;
  /** Bytes of the authentication tag at the end of each message (0: not AEAD). */
  readonly tagLength: number;
  /** Whether the ciphertext is a whole number of blocks (so truncation is detectable early). */
  readonly blockAligned: boolean;
  withKey(key: Key): KeyedMode;
}
