/**
 * Config files in the browser: there are none. A page passes `config` (an object, or what
 * loadConfigFromUrl fetched).
 */
import { NoConfigError } from '../errors.js';

export interface FoundConfig {
  /** Where it came from: a file path, a URL, or `(inline)`. */
  readonly source: string;
  readonly document: unknown;
}

/** Nothing is searched in a browser. */
export function searchedPaths(): string[] {
  return [];
}

/** Always throws in a browser. */
export function readConfigFile(path: string): FoundConfig {
  throw new NoConfigError(
    `a browser cannot read config file ${path}: give config (an object), e.g. from loadConfigFromUrl`,
  );
}

/** Always undefined in a browser. */
export function findConfigFile(): FoundConfig | undefined {
  return undefined;
}
