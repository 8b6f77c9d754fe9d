/**
 * A secret written as `!sinetstream/encrypted <base64>` in the config file. It is kept opaque
 * so that printing a config never shows it, and so that code using it must decrypt it first.
 */
export class EncryptedSecret {
  readonly #ciphertext: string;
  constructor(ciphertext: string) {
    this.#ciphertext = ciphertext;
  }
  get ciphertext(): string {
    return this.#ciphertext;
  }
  toJSON(): string {
    return '[encrypted]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'EncryptedSecret [encrypted]';
  }
}
