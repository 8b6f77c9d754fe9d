import { parseDocument, type Tags } from 'yaml';
import { NoConfigError } from '../errors.js';
import { EncryptedSecret } from './encrypted-secret.js';

export { EncryptedSecret } from './encrypted-secret.js';

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
 * Parses config YAML; `!!binary` gives Uint8Array. A tag it does not know (such as
 * `!python/object:...`) is refused, as upstream's `yaml.safe_load` refuses it, rather than
 * read as the plain value beneath it.
 */
export function parseYaml(text: string, source: string): unknown {
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
