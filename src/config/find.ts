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

/**
 * Fetches a config document from a URL (by default `$SINETSTREAM_CONFIG_URL`). Readers and
 * writers never do this on their own, because a config names brokers and holds secrets:
 * call it yourself and pass the result as the `config` option.
 */
export async function loadConfigFromUrl(
  url = process.env.SINETSTREAM_CONFIG_URL,
): Promise<Record<string, unknown>> {
  if (!url) throw new NoConfigError('no URL given and SINETSTREAM_CONFIG_URL is not set');
  let text: string;
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    text = await response.text();
  } catch (error) {
    throw new NoConfigError(`cannot fetch config from ${url}`, { cause: error });
  }
  const document = parseYaml(text, url);
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new NoConfigError(`${url}: the config is not a mapping`);
  }
  return document as Record<string, unknown>;
}
