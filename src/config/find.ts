import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { NoConfigError } from '../errors.js';
import { parseYaml } from './yaml.js';

export interface FoundConfig {
  /** Where it came from: a file path, a URL, or `(inline)`. */
  readonly source: string;
  readonly document: unknown;
}

/** The places searched, in order; the first that exists is used, alone. */
export function searchedPaths(cwd = process.cwd(), home = homedir()): string[] {
  return [join(cwd, '.sinetstream_config.yml'), join(home, '.config', 'sinetstream', 'config.yml')];
}

export function readConfigFile(path: string): FoundConfig {
  const source = resolve(path);
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (error) {
    throw new NoConfigError(`cannot read config file ${source}`, { cause: error });
  }
  return { source, document: parseYaml(text, source) };
}

/** The first config file on the search path, or undefined when there is none. */
export function findConfigFile(cwd?: string, home?: string): FoundConfig | undefined {
  for (const path of searchedPaths(cwd, home)) {
    if (existsSync(path)) return readConfigFile(path);
  }
  return undefined;
}
