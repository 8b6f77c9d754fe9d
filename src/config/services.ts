import { InvalidConfigError, NoConfigError, NoServiceError } from '../errors.js';
import { checkConfigTree, isMapping } from './values.js';

/** Keys SINETStream itself uses; any other key of a v1/v2 service belongs to the broker. */
export const COMMON_KEYS = new Set([
  'type',
  'brokers',
  'topic',
  'topics',
  'client_id',
  'consistency',
  'value_type',
  'receive_timeout_ms',
  'max_unacked_messages',
  'max_message_size',
  'data_compression',
  'compression',
  'data_encryption',
  'crypto',
  'user_data_only',
  'message_format',
  'tls',
  'plugin',
]);

export interface ServiceDefinition {
  readonly name: string;
  /** SINETStream's own keys, as written. */
  readonly common: Readonly<Record<string, unknown>>;
  /** Broker-specific keys: `type_spec` in v3, the other keys in v1/v2. */
  readonly brokerSpecific: Readonly<Record<string, unknown>>;
}

export interface ConfigDocument {
  readonly source: string;
  readonly version: 1 | 2 | 3;
  readonly services: ReadonlyMap<string, ServiceDefinition>;
}

/**
 * What upstream's loader takes for no file at all: PyYAML's None for an empty file, or an
 * empty mapping or list, is "no configuration file" there (NoConfigError), not a bad one.
 */
function isEmptyDocument(document: unknown): boolean {
  if (document === null || document === undefined || document === '' || document === false) {
    return true;
  }
  if (document === 0 || (Array.isArray(document) && document.length === 0)) return true;
  return isMapping(document) && Object.keys(document).length === 0;
}

/**
 * Reads the three file formats: v1 (services at the top), v2 and v3 (`header` + `config`; in
 * v3 broker-specific keys sit under `type_spec`). A header without a version means v3; a
 * header may not say 1, as upstream's loader refuses it.
 */
export function parseConfigDocument(document: unknown, source: string): ConfigDocument {
  if (isEmptyDocument(document)) throw new NoConfigError(`${source}: empty: no service defined`);
  if (!isMapping(document)) {
    throw new InvalidConfigError(`${source}: malformed: the config is not a mapping`);
  }
  checkConfigTree(
    document,
    '',
    (path, problem) => new InvalidConfigError(`${source}: ${path} ${problem}`),
  );
  let version: 1 | 2 | 3 = 1;
  let body: Record<string, unknown> = document;
  if ('header' in document) {
    const header = document.header;
    if (header !== null && header !== undefined && !isMapping(header)) {
      throw new InvalidConfigError(`${source}: header is not a mapping`);
    }
    const declared = header?.version ?? 3;
    if (declared !== 2 && declared !== 3) {
      throw new InvalidConfigError(
        `${source}: header.version ${String(declared)} is not 2 or 3 (a v1 file has no header)`,
      );
    }
    version = declared;
    if (!('config' in document)) {
      throw new InvalidConfigError(`${source}: a file with a header needs a config section`);
    }
    const config = document.config;
    if (!isMapping(config)) {
      throw new InvalidConfigError(`${source}: malformed: config is not a mapping`);
    }
    if (Object.keys(config).length === 0) {
      throw new InvalidConfigError(`${source}: config defines no service`);
    }
    body = config;
  }
  const services = new Map<string, ServiceDefinition>();
  for (const [name, value] of Object.entries(body)) {
    if (!isMapping(value)) {
      throw new InvalidConfigError(`${source}: service "${name}" is not a mapping`);
    }
    services.set(name, splitService(name, value, version, source));
  }
  return { source, version, services };
}

function splitService(
  name: string,
  value: Record<string, unknown>,
  version: number,
  source: string,
): ServiceDefinition {
  const common: Record<string, unknown> = {};
  let brokerSpecific: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (COMMON_KEYS.has(key)) common[key] = item;
    else if (key !== 'type_spec') brokerSpecific[key] = item;
  }
  if (version === 3 && value.type_spec !== undefined) {
    if (!isMapping(value.type_spec)) {
      throw new InvalidConfigError(`${source}: service "${name}": type_spec is not a mapping`);
    }
    brokerSpecific = { ...brokerSpecific, ...value.type_spec };
  }
  return { name, common, brokerSpecific };
}

/** The named service, or the only one when no name is given. */
export function selectService(
  config: ConfigDocument,
  service: string | undefined,
): ServiceDefinition {
  if (service === undefined) {
    if (config.services.size === 1) return [...config.services.values()][0]!;
    // Upstream's class for this case: the service parameter is missing, not a service.
    throw new NoConfigError(
      `no service given, and ${config.source} defines ${config.services.size} services (${[...config.services.keys()].join(', ')})`,
    );
  }
  const found = config.services.get(service);
  if (!found) {
    throw new NoServiceError(
      `service "${service}" is not defined in ${config.source} (defined: ${[...config.services.keys()].join(', ') || 'none'})`,
    );
  }
  return found;
}
