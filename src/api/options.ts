import type { PluginRegistry } from '../spi/registry.js';
import type { Consistency, Logger } from '../spi/types.js';

/** Options every reader, writer and codec takes. Each one beats the config file's value. */
export interface CommonOptions {
  /** The service in the config file; may be left out when the file defines only one. */
  service?: string;
  /** Read this config file instead of searching `./.sinetstream_config.yml` and `~/.config/sinetstream/config.yml`. */
  configFile?: string;
  /** A config document given inline, shaped like the file (v1, or v2/v3 with `header` + `config`). */
  config?: Record<string, unknown>;
  /** Use no config file at all: every parameter comes from these options (upstream `no_config`). */
  noConfig?: boolean;
  /** Plugins to use instead of the built-in set, e.g. `createRegistry().registerBroker(...)`. */
  registry?: PluginRegistry;
  /** Where warnings go (default: stderr). */
  logger?: Logger;

  type?: string;
  brokers?: string | readonly string[];
  consistency?: Consistency | 0 | 1 | 2;
  clientId?: string;
  valueType?: string;
  dataEncryption?: boolean;
  /** The `crypto:` block, spelled as in the config file (key_length, mode, password...). */
  crypto?: Record<string, unknown>;
  dataCompression?: boolean;
  /** The `compression:` block: `{ algorithm, level }`. */
  compression?: Record<string, unknown>;
  /** Send the serialized value alone: no timestamp, no envelope. */
  userDataOnly?: boolean;
  /** 3 (default) adds the key-version header; 2 is what SINETStream before 1.9 reads. */
  messageFormat?: 2 | 3;
  /** `true`, or the `tls:` block spelled as in the config file (ca_certs, certfile...). */
  tls?: boolean | Record<string, unknown>;
  /** Broker-specific parameters (the config file's `type_spec`), e.g. `{ qos: 1 }`. */
  typeSpec?: Record<string, unknown>;
}

export interface WriterOptions<T = unknown> extends CommonOptions {
  topic?: string;
  /** Turns a value into bytes; beats `valueType`. */
  valueSerializer?: (value: T) => Uint8Array;
}

export interface ReaderOptions<T = unknown> extends CommonOptions {
  topics?: string | readonly string[];
  /** Turns bytes into a value; beats `valueType`. */
  valueDeserializer?: (bytes: Uint8Array) => T;
  /** End iteration after this many milliseconds without a message (default: wait forever). */
  receiveTimeoutMs?: number;
  /**
   * The most messages the reader holds that the loop has not finished with (default 100);
   * above it the broker keeps them.
   */
  maxUnackedMessages?: number;
}

const COMMON_OPTION_KEYS: Readonly<Record<string, string>> = {
  type: 'type',
  brokers: 'brokers',
  topic: 'topic',
  topics: 'topics',
  consistency: 'consistency',
  clientId: 'client_id',
  valueType: 'value_type',
  receiveTimeoutMs: 'receive_timeout_ms',
  maxUnackedMessages: 'max_unacked_messages',
  dataEncryption: 'data_encryption',
  crypto: 'crypto',
  dataCompression: 'data_compression',
  compression: 'compression',
  userDataOnly: 'user_data_only',
  messageFormat: 'message_format',
  tls: 'tls',
};

/** The options that are service parameters, spelled as in the config file. */
export function optionsToServiceParams(options: object): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    const name = COMMON_OPTION_KEYS[key];
    if (name !== undefined && value !== undefined) params[name] = value;
  }
  return params;
}
