import { Lexer, Parser, parseDocument, type Tags } from 'yaml';
import { InvalidConfigError, NoConfigError } from '../errors.js';

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

/**
 * Aliases a document may expand: plenty for shared blocks, far too few for a "billion
 * laughs" document whose aliases of aliases would expand to GiBs.
 */
const MAX_ALIAS_COUNT = 100;

/**
 * Collections open at once while parsing (the parser's stack: about one per level, plus the
 * document's). Twice the 64 levels a config tree may have, so a config nested a little too
 * deep is still parsed and named by its path; far deeper ones stop here.
 */
const MAX_PARSE_DEPTH = 128;

/**
 * Refuses YAML nested beyond MAX_PARSE_DEPTH, reading token by token and stopping there:
 * the `yaml` library has no depth bound, and parsing ~100 KB of nested brackets to the end
 * takes seconds before its recursion overflows the stack.
 */
function checkNesting(text: string, source: string): void {
  const parser = new Parser();
  for (const token of new Lexer().lex(text)) {
    for (const _ of parser.next(token));
    if (parser.stack.length > MAX_PARSE_DEPTH) {
      const before = text.slice(0, parser.offset).split('\n');
      throw new InvalidConfigError(
        `${source}: YAML nested more than ${MAX_PARSE_DEPTH} collections deep at line ${before.length}, column ${before.at(-1)!.length + 1} (a config may nest 64 levels)`,
      );
    }
  }
}

/**
 * Parses config YAML; `!!binary` gives Uint8Array. A tag it does not know (such as
 * `!python/object:...`) is refused, as upstream's `yaml.safe_load` refuses it, rather than
 * read as the plain value beneath it.
 */
export function parseYaml(text: string, source: string): unknown {
  checkNesting(text, source);
  const document = parseDocument(text, { customTags: ['binary', ...customTags] as Tags });
  const unknownTag = document.warnings.find((warning) => warning.code === 'TAG_RESOLVE_FAILED');
  const first = document.errors[0] ?? unknownTag;
  if (first) {
    throw new NoConfigError(`${source}: invalid YAML: ${first.message}`, { cause: first });
  }
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new NoConfigError(
      `${source}: invalid YAML: ${(error as Error).message} (more than ${MAX_ALIAS_COUNT} aliases expanded)`,
      { cause: error },
    );
  }
}
