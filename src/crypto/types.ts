/** What the envelope needs from message encryption; `src/crypto` builds one from `crypto:`. */
export interface MessageCipher {
  /** The key version a writer encrypts with: the highest one configured (1 for a plain key). */
  readonly keyVersion: number;
  /** salt || iv-or-nonce || ciphertext || tag, as SINETStream 1.10 writes it. */
  encrypt(plain: Uint8Array): Uint8Array;
  /**
   * Rejects with InvalidMessageError for an unknown key version or a blob that does not
   * decrypt. Asynchronous because a salt not seen before needs its key derived first.
   */
  decrypt(blob: Uint8Array, keyVersion: number): Promise<Uint8Array>;
}
