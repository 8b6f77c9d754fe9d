const REDACTED = '[secret]';

/**
 * Bytes that must never be printed: a password or a raw key. Held in a private field so
 * neither `util.inspect`, `JSON.stringify` nor string concatenation can reveal them.
 */
export class Secret {
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** The secret itself, for the one place that needs it (key derivation or key import). */
  reveal(): Uint8Array {
    return this.#bytes;
  }

  /** The secret as UTF-8 text, for a client library that takes a password string. */
  revealText(): string {
    return new TextDecoder().decode(this.#bytes);
  }

  /** `[secret]`, never the secret. */
  toString(): string {
    return REDACTED;
  }

  /** `[secret]`, never the secret. */
  toJSON(): string {
    return REDACTED;
  }

  /** `[secret]`, never the secret. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}
