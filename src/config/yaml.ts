import { parseDocument, type Tags } from 'yaml';
import { NoConfigError } from '../errors.js';

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

const customTags: Tags = [
  {
    tag: '!sinetstream/encrypted',
    identify: (value) => value instanceof EncryptedSecret,
    resolve: (text: string) => new EncryptedSecret(text.replace(/\s+/g, '')),
  },
];

/** Parses config YAML; `!!binary` gives Uint8Array. */
export function parseYaml(text: string, source: string): unknown {
  const document = parseDocument(text, { customTags: ['binary', ...customTags] as Tags });
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    throw new NoConfigError(`${source}: invalid YAML: ${first.message}`, { cause: first });
  }
  return document.toJS({ maxAliasCount: 100 });
}
