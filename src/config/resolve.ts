import { randomUUID } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';
import type { Consistency, Logger } from '../spi/types.js';
import type { ServiceDefinition } from './services.js';
import { COMMON_KEY_CHECKS, checkConfigTree, isMapping, toConsistency, toList } from './values.js';

export interface CompressionSettings {
  readonly algorithm: string;
  readonly level: number | undefined;
  /** The algorithm's own block, `compression.<algorithm>`. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** A service with the file and the API merged, before any plugin is loaded. */
export interface ResolvedService {
  readonly service: string;
  readonly source: string;
  /** The broker type; '' when none was given (fine for a codec, not for a reader or writer). */
  readonly type: string;
  /** npm modules (`plugin:`) whose plugins of any kind the service may use. */
  readonly plugins: readonly string[];
  readonly brokers: readonly string[];
  readonly topics: readonly string[];
  readonly consistency: Consistency;
  readonly clientId: string;
  readonly valueType: string;
  /** `value_type.args`, file then API; undefined when neither gave any. */
  readonly valueTypeArgs: Readonly<Record<string, unknown>> | undefined;
  readonly receiveTimeoutMs: number;
  /** Messages a reader may hold that the user has not finished with. */
  readonly maxUnackedMessages: number;
  /** The largest serialized value sent or accepted, decompressed, in bytes. */
  readonly maxMessageSize: number;
  readonly dataEncryption: boolean;
  readonly crypto: Readonly<Record<string, unknown>>;
  readonly dataCompression: boolean;
  readonly compression: CompressionSettings;
  readonly userDataOnly: boolean;
  readonly messageFormat: 2 | 3;
  /** The `tls` block as written (`true` became `{}`), or undefined when TLS is off. */
  readonly tls: Readonly<Record<string, unknown>> | undefined;
  /** Broker-specific parameters, file then API. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Common keys the API set, and broker-specific keys it set (to apply common twins). */
  readonly apiCommonKeys: ReadonlySet<string>;
  readonly apiParamKeys: ReadonlySet<string>;
}

export interface ResolveInput {
  /** From the config file; undefined when there is none (no_config). */
  readonly definition: ServiceDefinition | undefined;
  readonly source: string;
  readonly service: string | undefined;
  /** Common keys given to the API, spelled as in the file (snake_case). */
  readonly apiCommon: Readonly<Record<string, unknown>>;
  /** `typeSpec` given to the API. */
  readonly apiParams: Readonly<Record<string, unknown>>;
  readonly logger: Logger;
}

function deepMerge(base: Record<string, unknown>, top: Readonly<Record<string, unknown>>) {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(top)) {
    const below = merged[key];
    merged[key] = isMapping(below) && isMapping(value) ? deepMerge(below, value) : value;
  }
  return merged;
}

/** Drops file values whose type is wrong, warning about each; the API's are an error. */
function checkCommon(
  values: Readonly<Record<string, unknown>>,
  where: string,
  logger: Logger | undefined,
): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const rule = COMMON_KEY_CHECKS[key];
    if (rule && !rule.check(value)) {
      const problem = `${where}${key}: expected ${rule.expected}, got ${describe(value)}`;
      if (!logger) throw new InvalidArgumentError(problem);
      logger.warn(`${problem}; ignored`);
      continue;
    }
    kept[key] = value;
  }
  return kept;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (typeof value === 'number') return `number ${value}`;
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
}

interface ValueTypeSetting {
  readonly name?: string;
  readonly args?: Readonly<Record<string, unknown>>;
}

/** `value_type` as a name, or upstream's long form `{name, args}` (checked by COMMON_KEY_CHECKS). */
function valueTypeSetting(value: unknown): ValueTypeSetting {
  if (typeof value === 'string') return { name: value };
  if (!isMapping(value)) return {};
  return {
    name: value.name as string | undefined,
    args: isMapping(value.args) ? value.args : undefined,
  };
}

/**
 * The API's `value_type` beats the file's; the file's args go with the file's name only, so
 * that naming another type in the API does not hand it args meant for the first.
 */
function mergeValueType(
  file: unknown,
  api: unknown,
): { name: string; args?: Record<string, unknown> } {
  const fromFile = valueTypeSetting(file);
  const fromApi = valueTypeSetting(api);
  const name = fromApi.name ?? fromFile.name ?? 'byte_array';
  const fileArgs =
    fromFile.name === undefined || fromFile.name === name ? fromFile.args : undefined;
  if (fileArgs === undefined) return { name, args: fromApi.args && { ...fromApi.args } };
  return { name, args: fromApi.args ? deepMerge({ ...fileArgs }, fromApi.args) : { ...fileArgs } };
}

/** As AMQP's customary prefetch: enough to keep a fast loop busy, little held on a crash. */
const DEFAULT_MAX_UNACKED = 100;

/**
 * Above what most brokers carry by default (Kafka about 1 MiB), yet small enough that a forged
 * compressed message cannot exhaust a reader's memory.
 */
export const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

/** Kafka carries a client id as a string of at most 32767 bytes, the shortest limit of any broker here. */
const MAX_CLIENT_ID_BYTES = 32767;

function toPluginList(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((item) => typeof item === 'string' && item !== '')) {
    throw new InvalidArgumentError(`${where}plugin: expected a module name or a list of them`);
  }
  return list as string[];
}

function toTimeout(value: unknown): number {
  if (value === undefined || value === null || value === 'inf') return Number.POSITIVE_INFINITY;
  return value as number;
}

export function makeClientId(): string {
  return `sinetstream-${randomUUID()}`;
}

/**
 * Merges, highest first: broker-specific values given to the API, common values given to
 * the API, broker-specific values in the file, common values in the file.
 */
export function resolveService(input: ResolveInput): ResolvedService {
  const name = input.definition?.name ?? input.service ?? '(no config)';
  const where = `service "${name}": `;
  const fromApi = (path: string, problem: string) =>
    new InvalidArgumentError(`${where}${path} ${problem}`);
  checkConfigTree(input.apiCommon, '', fromApi);
  checkConfigTree(input.apiParams, 'typeSpec', fromApi);
  const fileCommon = checkCommon(
    input.definition?.common ?? {},
    `${input.source}: ${where}`,
    input.logger,
  );
  const apiCommon = checkCommon(input.apiCommon, where, undefined);
  const common = deepMerge(fileCommon, apiCommon);
  const params = deepMerge({ ...(input.definition?.brokerSpecific ?? {}) }, input.apiParams);

  const type = (common.type as string | undefined) ?? '';
  const topics = common.topics ?? common.topic;
  const compression = isMapping(common.compression) ? common.compression : {};
  const algorithm = typeof compression.algorithm === 'string' ? compression.algorithm : 'gzip';
  const level = compression.level;
  if (level !== undefined && typeof level !== 'number') {
    throw new InvalidArgumentError(
      `${where}compression.level: expected a number, got ${describe(level)}`,
    );
  }
  const valueType = mergeValueType(fileCommon.value_type, apiCommon.value_type);
  const tls = common.tls;
  const clientId = common.client_id;
  if (typeof clientId === 'string' && Buffer.byteLength(clientId) > MAX_CLIENT_ID_BYTES) {
    throw new InvalidArgumentError(
      `${where}client_id: ${Buffer.byteLength(clientId)} bytes long, more than ${MAX_CLIENT_ID_BYTES}`,
    );
  }

  return {
    service: name,
    source: input.source,
    type,
    plugins: toPluginList(common.plugin, where),
    brokers: common.brokers === undefined ? [] : toList(common.brokers as string | string[]),
    topics: topics === undefined ? [] : toList(topics as string | string[]),
    consistency:
      common.consistency === undefined ? 'AT_MOST_ONCE' : toConsistency(common.consistency, where),
    clientId: typeof clientId === 'string' && clientId !== '' ? clientId : makeClientId(),
    valueType: valueType.name,
    valueTypeArgs: valueType.args,
    receiveTimeoutMs: toTimeout(common.receive_timeout_ms),
    maxUnackedMessages: (common.max_unacked_messages as number | undefined) ?? DEFAULT_MAX_UNACKED,
    maxMessageSize: (common.max_message_size as number | undefined) ?? DEFAULT_MAX_MESSAGE_SIZE,
    dataEncryption: common.data_encryption === true,
    crypto: isMapping(common.crypto) ? common.crypto : {},
    dataCompression: common.data_compression === true,
    compression: {
      algorithm,
      level,
      params: isMapping(compression[algorithm])
        ? (compression[algorithm] as Record<string, unknown>)
        : {},
    },
    userDataOnly: common.user_data_only === true,
    messageFormat: (common.message_format as 2 | 3 | undefined) ?? 3,
    tls: tls === true ? {} : isMapping(tls) ? tls : undefined,
    params,
    apiCommonKeys: new Set(Object.keys(apiCommon)),
    apiParamKeys: new Set(Object.keys(input.apiParams)),
  };
}

/**
 * A broker-specific key in the file gives way to its common twin given to the API (MQTT `qos`
 * in the file loses to `consistency` given to the API, but beats the file's `consistency`).
 */
export function applyCommonTwins(
  resolved: ResolvedService,
  twins: Readonly<Record<string, string>> | undefined,
): Readonly<Record<string, unknown>> {
  if (!twins) return resolved.params;
  const params = { ...resolved.params };
  for (const [brokerKey, commonKey] of Object.entries(twins)) {
    if (resolved.apiCommonKeys.has(commonKey) && !resolved.apiParamKeys.has(brokerKey)) {
      delete params[brokerKey];
    }
  }
  return params;
}
