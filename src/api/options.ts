import type { ConfigServerOptions } from '../config/config-server-http.js';
import type { InvalidMessageError } from '../errors.js';
import type { AMQP10_PARAMETERS } from '../plugins/amqp10/parameters.js';
import type { AMQP091_PARAMETERS } from '../plugins/amqp091/parameters.js';
import type { KAFKA_PARAMETERS } from '../plugins/kafka/parameters.js';
import type { MEMORY_PARAMETERS } from '../plugins/memory/index.js';
import type { MQTT_PARAMETERS } from '../plugins/mqtt/parameters.js';
import type { S3_PARAMETERS } from '../plugins/s3/parameters.js';
import type { ParamInputs } from '../spi/parameters.js';
import type { PluginRegistry } from '../spi/registry.js';
import type { Consistency, Logger } from '../spi/types.js';
import type { Image } from '../value-types/image.js';
import type { Ndarray } from '../value-types/ndarray.js';

/**
 * The `typeSpec` each service type takes, so that a literal `type` checks the keys given
 * with it. A plugin package adds its own by declaration merging:
 * `declare module 'sinetstream' { interface TypeSpecs { pigeon: ParamInputs<typeof MINE> } }`.
 */
export interface TypeSpecs {
  mqtt: ParamInputs<typeof MQTT_PARAMETERS>;
  kafka: ParamInputs<typeof KAFKA_PARAMETERS>;
  'amqp-0.9.1': ParamInputs<typeof AMQP091_PARAMETERS>;
  'amqp-1.0': ParamInputs<typeof AMQP10_PARAMETERS>;
  memory: ParamInputs<typeof MEMORY_PARAMETERS>;
  s3: ParamInputs<typeof S3_PARAMETERS>;
}

/** `typeSpec` for a service of type `S`; any mapping when the type is not known here. */
export type TypeSpecOf<S extends string> = S extends keyof TypeSpecs
  ? TypeSpecs[S]
  : Readonly<Record<string, unknown>>;

/**
 * A service `type`: one of the built-in broker types, or a plugin's. `string & {}` keeps
 * any name acceptable without hiding the known ones from the editor's completion.
 */
export type ServiceTypeName = keyof TypeSpecs | (string & {});

/**
 * The value each `value_type` gives and takes, so that a literal `valueType` types
 * `message.value` and `publish()`. A value-type plugin package adds its own by declaration
 * merging: `declare module 'sinetstream' { interface ValueTypes { image: ImageData } }`.
 */
export interface ValueTypes {
  byte_array: Uint8Array;
  text: string;
  ndarray: Ndarray;
  image: Image;
}

/** A `valueType`: `byte_array`, `text`, or a plugin's. */
export type ValueTypeName = keyof ValueTypes | (string & {});

/**
 * The value type of a reader or writer: the one a literal `valueType` `V` names (see
 * `ValueTypes`), else `T`, given as a type argument or inferred from a (de)serializer.
 */
export type ValueOf<T, V extends string> = string extends V
  ? T
  : V extends keyof ValueTypes
    ? ValueTypes[V]
    : T;

/**
 * Options every reader, writer and codec takes. Each service parameter given here beats the
 * config file's value; the config key (upstream's name) is given in brackets.
 */
export interface CommonOptions<
  S extends ServiceTypeName = string,
  V extends ValueTypeName = string,
> {
  /** The service in the config file; may be left out when the file defines only one. */
  service?: string;
  /**
   * Read this config file instead of searching `./.sinetstream_config.yml` (in the current
   * directory), then `~/.config/sinetstream/config.yml`.
   */
  configFile?: string;
  /**
   * A config document given inline as an object, shaped like the file (v1, or v2/v3 with
   * `header` + `config`); or, as a string, the name of a config on the SINETStream config
   * server (upstream `config=NAME`), fetched by `open()` with the API key in
   * `~/.config/sinetstream/auth.json` (see `configServer` and docs/config-server.md).
   */
  config?: string | Record<string, unknown>;
  /** How to reach the config server when `config` is a name: API key file, private CA, timeout. */
  configServer?: ConfigServerOptions;
  /** Use no config file at all: every parameter comes from these options (upstream `no_config`). */
  noConfig?: boolean;
  /** Plugins to use instead of the built-in set, e.g. `createRegistry().registerBroker(...)`. */
  registry?: PluginRegistry;
  /** Where warnings go (default: stderr). */
  logger?: Logger;

  /** The broker plugin: `mqtt`, `kafka`, `amqp-0.9.1`, `amqp-1.0`, `s3`, `memory` or a plugin's [`type`]. */
  type?: S;
  /** `host[:port]`, a comma-separated list or an array; default port per type [`brokers`]. */
  brokers?: string | readonly string[];
  /**
   * Delivery guarantee: `AT_MOST_ONCE` (0, the default), `AT_LEAST_ONCE` (1) or
   * `EXACTLY_ONCE` (2) [`consistency`].
   */
  consistency?: Consistency | 0 | 1 | 2;
  /** The client's id at the broker (default: generated, `sinetstream-<uuid>`) [`client_id`]. */
  clientId?: string;
  /**
   * How values become bytes: `byte_array` (the default; `Uint8Array`), `text` (`string`, as
   * UTF-8), `ndarray` (`Ndarray`, a numpy .npy), `image` (`Image`, PNG or JPEG) or a
   * plugin's. A literal here types the values (see `ValueTypes`) [`value_type`].
   */
  valueType?: V;
  /**
   * Args for the value type, e.g. `{ img_format: '.jpg' }` for `image`; checked against
   * the args it declares. Merged over the file's args when the file names the same value
   * type [`value_type: {name, args}`].
   */
  valueTypeArgs?: Readonly<Record<string, unknown>>;
  /** Encrypt messages with the `crypto` settings (default false) [`data_encryption`]. */
  dataEncryption?: boolean;
  /** The `crypto:` block, spelled as in the config file (key_length, mode, password...) [`crypto`]. */
  crypto?: Record<string, unknown>;
  /** Compress messages with the `compression` settings (default false) [`data_compression`]. */
  dataCompression?: boolean;
  /** `{ algorithm: 'gzip' | 'zstd' | 'lz4', level }` (default gzip) [`compression`]. */
  compression?: Record<string, unknown>;
  /**
   * The largest serialized value, in bytes, a writer sends or a reader accepts once
   * decompressed (default 64 MiB); a compressed message that would inflate beyond it is
   * refused while it inflates [`max_message_size`].
   */
  maxMessageSize?: number;
  /** Send the serialized value alone: no timestamp, no envelope (default false) [`user_data_only`]. */
  userDataOnly?: boolean;
  /** 3 (the default) adds the key-version header; 2 is what SINETStream before 1.9 reads [`message_format`]. */
  messageFormat?: 2 | 3;
  /** `true`, or the `tls:` block spelled as in the config file (ca_certs, certfile...); default off [`tls`]. */
  tls?: boolean | Record<string, unknown>;
  /**
   * Broker-specific parameters, e.g. `{ qos: 1 }`; checked against the type's declared
   * parameters, at compile time too when `type` is given [`type_spec`].
   */
  typeSpec?: TypeSpecOf<S>;
}

export interface WriterOptions<
  T = unknown,
  S extends ServiceTypeName = string,
  V extends ValueTypeName = string,
> extends CommonOptions<S, V> {
  /** The topic to publish to [`topic`]. */
  topic?: string;
  /** Turns a value into bytes; beats `valueType`. */
  valueSerializer?: (value: T) => Uint8Array;
}

export interface ReaderOptions<
  T = unknown,
  S extends ServiceTypeName = string,
  V extends ValueTypeName = string,
> extends CommonOptions<S, V> {
  /** The topic, or topics, to read (a list, or a comma-separated string) [`topics`, `topic`]. */
  topics?: string | readonly string[];
  /** Turns bytes into a value; beats `valueType`. */
  valueDeserializer?: (bytes: Uint8Array) => T;
  /** End iteration after this many milliseconds without a message (default: wait forever) [`receive_timeout_ms`]. */
  receiveTimeoutMs?: number;
  /**
   * The most messages the reader holds that the loop has not finished with (default 100);
   * above it the broker keeps them [`max_unacked_messages`].
   */
  maxUnackedMessages?: number;
  /**
   * What a message that cannot be read (not a SINETStream message, wrong key...) does:
   * `'throw'` (the default) ends a `for await` loop with the InvalidMessageError (iterating
   * again goes on); `'skip'` warns through `logger` and goes on; a function is called with
   * the error instead of the warning, and the reader goes on. Skipped messages are counted in
   * `metrics.errorCountTotal` and acknowledged. No upstream name.
   */
  onInvalidMessage?: 'throw' | 'skip' | ((error: InvalidMessageError) => void);
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
  maxMessageSize: 'max_message_size',
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
  const { valueTypeArgs } = options as CommonOptions;
  if (valueTypeArgs !== undefined) {
    const name = params.value_type;
    params.value_type =
      name === undefined ? { args: valueTypeArgs } : { name, args: valueTypeArgs };
  }
  return params;
}
