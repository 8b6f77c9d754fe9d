import { NoConfigError } from '../errors.js';

/**
 * Fetches a config document from a URL (by default `$SINETSTREAM_CONFIG_URL`). Readers and
 * writers never do this on their own, because a config names brokers and holds secrets:
 * call it yourself and pass the result as the `config` option.
 */
export async function loadConfigFromUrl(
  url = globalThis.process?.env.SINETSTREAM_CONFIG_URL,
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
  // The YAML parser is the largest part of the browser bundle: loaded only when needed.
  const { parseYaml } = await import('./yaml.js');
  const document = parseYaml(text, url);
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new NoConfigError(`${url}: the config is not a mapping`);
  }
  return document as Record<string, unknown>;
}
