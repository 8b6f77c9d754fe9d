import { findConfigFile, readConfigFile, searchedPaths } from '../config/find.js';
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
  const logger = options.logger ?? stderrLogger;
  let found: { source: string; document: unknown } | undefined;
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
