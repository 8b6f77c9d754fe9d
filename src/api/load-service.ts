import { fetchServerConfig, type KeyNeed } from '../config/config-server.js';
import { type FoundConfig, findConfigFile, readConfigFile, searchedPaths } from '../config/find.js';
import { type ResolvedService, resolveService } from '../config/resolve.js';
import { decryptServiceSecrets } from '../config/secrets.js';
import { parseConfigDocument, selectService } from '../config/services.js';
import { InvalidArgumentError, NoConfigError } from '../errors.js';
import type { Logger } from '../spi/types.js';
import { type CommonOptions, optionsToServiceParams } from './options.js';

export const stderrLogger: Logger = {
  warn: (message) => process.stderr.write(`sinetstream: warning: ${message}\n`),
  info: (message) => process.stderr.write(`sinetstream: ${message}\n`),
};

/**
 * Finds the config (explicit file, inline document, search path, or none at all), picks the
 * service and merges it with the options. Synchronous, so constructors report a missing
 * config or service at once, as upstream does.
 */
export function loadService(
  options: CommonOptions,
  role: 'reader' | 'writer' | 'codec',
): ResolvedService {
  let found: FoundConfig | undefined;
  if (options.noConfig) found = undefined;
  else if (options.config !== undefined)
    found = { source: '(inline config)', document: options.config };
  else if (options.configFile !== undefined) found = readConfigFile(options.configFile);
  else {
    found = findConfigFile();
    if (!found) {
      throw new NoConfigError(
        `no config file found (looked for ${searchedPaths().join(', ')}); give configFile, config or noConfig`,
      );
    }
  }
  return resolveFound(found, options, role);
}

/** The service of a reader or writer: resolved now, or a config-server fetch `open()` awaits. */
export type ServiceSource = ResolvedService | PendingService;

/** A service on the config server, fetched when the client opens. */
export interface PendingService {
  /** The service option, or the config's name while the service is unknown. */
  readonly name: string;
  fetch(): Promise<ResolvedService>;
}

export function serviceSource(options: CommonOptions, role: 'reader' | 'writer'): ServiceSource {
  if (!usesConfigServer(options)) return loadService(options, role);
  const keys = role === 'reader' ? 'all-versions' : 'newest';
  return {
    name: options.service ?? `(config "${options.config}")`,
    fetch: () => fetchService(options, role, keys),
  };
}

/** Whether the service comes from the config server (`config` is a name): fetched by open(). */
export function usesConfigServer(options: CommonOptions): options is CommonOptions & {
  config: string;
} {
  return !options.noConfig && typeof options.config === 'string';
}

/**
 * The service of a config on the config server, merged with the options. A reader (or
 * decoder) gets every version of a versioned crypto key, a writer (or encoder) the newest.
 */
export async function fetchService(
  options: CommonOptions & { config: string },
  role: 'reader' | 'writer' | 'codec',
  keys: KeyNeed,
): Promise<ResolvedService> {
  const found = await fetchServerConfig(
    options.config,
    options.service,
    keys,
    options.configServer ?? {},
  );
  return resolveFound(found, options, role);
}

function resolveFound(
  found: FoundConfig | undefined,
  options: CommonOptions,
  role: 'reader' | 'writer' | 'codec',
): ResolvedService {
  const logger = options.logger ?? stderrLogger;
  const definition = found
    ? decryptServiceSecrets(
        selectService(parseConfigDocument(found.document, found.source), options.service),
      )
    : undefined;
  const resolved = resolveService({
    definition,
    source: found?.source ?? '(no config)',
    service: options.service,
    apiCommon: optionsToServiceParams(options),
    apiParams: options.typeSpec ?? {},
    logger,
  });
  if (role !== 'codec') checkTopics(resolved, role);
  return resolved;
}

function checkTopics(resolved: ResolvedService, role: 'reader' | 'writer'): void {
  const where = `service "${resolved.service}": `;
  if (resolved.topics.length === 0) {
    throw new InvalidArgumentError(
      `${where}no topic given (option ${role === 'writer' ? 'topic' : 'topics'} or config key topic)`,
    );
  }
  if (role === 'writer' && resolved.topics.length > 1) {
    throw new InvalidArgumentError(
      `${where}a writer takes one topic, got ${resolved.topics.join(', ')}`,
    );
  }
}
