import { InvalidArgumentError } from '../../errors.js';
import type { PluginContext } from '../../spi/types.js';

/** How a kafka-python parameter's value is read; `secret` values may be bytes (decrypted). */
type Kind = 'string' | 'number' | 'boolean' | 'secret' | 'acks';

const COMMON: Record<string, Kind> = {
  security_protocol: 'string',
  sasl_mechanism: 'string',
  sasl_plain_username: 'secret',
  sasl_plain_password: 'secret',
  ssl_cafile: 'string',
  ssl_certfile: 'string',
  ssl_keyfile: 'string',
  ssl_password: 'secret',
  ssl_ciphers: 'string',
  ssl_check_hostname: 'boolean',
  request_timeout_ms: 'number',
  retry_backoff_ms: 'number',
  metadata_max_age_ms: 'number',
};

const WRITER: Record<string, Kind> = {
  acks: 'acks',
  enable_idempotence: 'boolean',
  compression_type: 'string',
  retries: 'number',
  linger_ms: 'number',
  batch_size: 'number',
  max_in_flight_requests_per_connection: 'number',
};

const READER: Record<string, Kind> = {
  group_id: 'string',
  auto_offset_reset: 'string',
  enable_auto_commit: 'boolean',
  auto_commit_interval_ms: 'number',
  session_timeout_ms: 'number',
  heartbeat_interval_ms: 'number',
  max_poll_interval_ms: 'number',
  fetch_min_bytes: 'number',
  fetch_max_bytes: 'number',
  fetch_max_wait_ms: 'number',
  max_partition_fetch_bytes: 'number',
  isolation_level: 'string',
  allow_auto_create_topics: 'boolean',
  group_instance_id: 'string',
};

export type Role = 'writer' | 'reader';
export type KafkaParams = Partial<Record<string, string | number | boolean>>;

function warn(context: PluginContext, message: string): void {
  context.logger.warn(`kafka service "${context.service}": ${message}`);
}

function convert(kind: Kind, value: unknown): string | number | boolean | undefined {
  switch (kind) {
    case 'secret':
      if (value instanceof Uint8Array) return new TextDecoder().decode(value);
      return typeof value === 'string' ? value : undefined;
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      return value === 'true' ? true : value === 'false' ? false : undefined;
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      return typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : undefined;
    case 'acks':
      if (value === 'all' || value === -1 || value === '-1') return -1;
      if (value === 0 || value === 1) return value;
      return value === '0' || value === '1' ? Number(value) : undefined;
  }
}

/**
 * Picks the kafka-python parameters this client honours for `role`. Names meant for the other
 * role (a service is often shared by readers and writers) are skipped quietly; any other name
 * this client cannot honour, and any value of the wrong type, is ignored with a warning (one
 * per reader or writer: each reads its parameters once).
 */
export function readParams(context: PluginContext, role: Role): KafkaParams {
  const own = { ...COMMON, ...(role === 'writer' ? WRITER : READER) };
  const other = role === 'writer' ? READER : WRITER;
  const result: KafkaParams = {};
  for (const [key, value] of Object.entries(context.params)) {
    if (value === undefined || value === null) continue;
    const kind = own[key];
    if (kind === undefined) {
      if (!(key in other))
        warn(context, `parameter "${key}" is not supported by this Kafka client; ignored`);
      continue;
    }
    const converted = convert(kind, value);
    if (converted === undefined) {
      // The value itself may be a secret: name the key and the expected type only.
      warn(
        context,
        `parameter "${key}" must be ${kind === 'acks' ? '0, 1, -1 or "all"' : `a ${kind === 'secret' ? 'string' : kind}`}; ignored`,
      );
      continue;
    }
    result[key] = converted;
  }
  return result;
}

/** Reads an enumerated string parameter; an unknown value is an error naming key and value. */
export function choice<T extends string>(
  params: KafkaParams,
  key: string,
  allowed: readonly T[],
): T | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  const normalised = String(value);
  const found = allowed.find((a) => a.toLowerCase() === normalised.toLowerCase());
  if (found === undefined) {
    throw new InvalidArgumentError(`${key}: "${normalised}" is not one of ${allowed.join(', ')}`);
  }
  return found;
}

export function num(params: KafkaParams, key: string): number | undefined {
  const value = params[key];
  return typeof value === 'number' ? value : undefined;
}

export function bool(params: KafkaParams, key: string): boolean | undefined {
  const value = params[key];
  return typeof value === 'boolean' ? value : undefined;
}

export function str(params: KafkaParams, key: string): string | undefined {
  const value = params[key];
  return typeof value === 'string' ? value : undefined;
}
