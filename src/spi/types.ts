/**
 * What a broker plugin implements. A plugin sees only bytes: serialisation, compression,
 * encryption and the SINETStream envelope all happen in core before `publish` and after a
 * message is received.
 */

import type { Secret } from '../crypto/secret.js';
import type { ParamDeclarations } from './parameters.js';

/** How sure delivery is: at most once, at least once, or exactly once (where the broker can). */
export type Consistency = 'AT_MOST_ONCE' | 'AT_LEAST_ONCE' | 'EXACTLY_ONCE';

/** Where the library writes what it has to say; the default writes warnings to stderr. */
export interface Logger {
  /** Something the user should know about: a parameter ignored, a connection lost. */
  warn(message: string): void;
  /** Events a user watching wants to see that are no problem: a connection regained. */
  info?(message: string): void;
  /** Detail for troubleshooting (each failed reconnection attempt...); dropped unless given. */
  debug?(message: string): void;
}

/**
 * The common `tls` block of a service, its files read once by core (`ca_certs` or the inline
 * `ca_certs_data`, ...), so plugins hand the bytes to their client and never touch a file.
 */
export interface TlsSettings {
  /** CA certificates (PEM). */
  readonly ca?: Uint8Array;
  /** Client certificate (PEM). */
  readonly cert?: Uint8Array;
  /** Client private key (PEM). */
  readonly key?: Uint8Array;
  /** Passphrase of the client private key. */
  readonly keyPassword?: Secret;
  /** OpenSSL cipher list. */
  readonly ciphers?: string;
  /** Check that the server certificate names the host (default true). */
  readonly checkHostname: boolean;
}

/** Everything a plugin is told about the service it serves. */
export interface PluginContext {
  readonly service: string;
  readonly type: string;
  /** As written by the user: `host`, `host:port` or `[v6]:port`; see `parseBroker`. */
  readonly brokers: readonly string[];
  readonly consistency: Consistency;
  readonly clientId: string;
  /** Set when TLS is on (`tls: true` or any `tls` key). */
  readonly tls: TlsSettings | undefined;
  /**
   * Broker-specific parameters: `type_spec` of a v3 file, and the keys SINETStream itself
   * does not use in v1/v2 files, with the API's `typeSpec` applied on top. When the plugin
   * declares `parameters`, core has checked them: see `paramsOf`.
   */
  readonly params: Readonly<Record<string, unknown>>;
  readonly logger: Logger;
  /**
   * Encodes one value as a SINETStream message without a timestamp, with `settings` spelled
   * as a config file's service keys (value_type, data_encryption, crypto, ...): what a plugin
   * needs for messages it hands the broker itself, such as an MQTT will. Core always provides
   * it; contexts built by hand (plugin unit tests) may leave it out.
   */
  encodeMessage?(value: unknown, settings: Readonly<Record<string, unknown>>): Promise<Uint8Array>;
}

export interface WriterContext extends PluginContext {
  readonly topic: string;
}

export interface ReaderContext extends PluginContext {
  readonly topics: readonly string[];
  /** Milliseconds of silence after which iteration ends; Infinity waits forever. */
  readonly receiveTimeoutMs: number;
  /**
   * `max_unacked_messages`: the most messages the reader may hold that the user has not
   * finished with (received and queued, or handed out and not settled). Above it the
   * plugin stops taking from the broker (prefetch, link credit, paused fetches or socket).
   */
  readonly maxUnackedMessages: number;
}

/** Options of a plugin call that may wait: an aborted `signal` gives up waiting. */
export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * A message's headers: each a name and a text or byte value, carried beside the message in
 * the broker's own header mechanism (Kafka record headers, MQTT 5 user properties, AMQP
 * headers or application properties, S3 object metadata), never inside its bytes.
 */
export type MessageHeaders = ReadonlyMap<string, string | Uint8Array>;

/**
 * What headers a plugin's messages carry: `binary` (text and byte values), `text` (text
 * values only), `ascii` (names and values of printable ASCII only), or why there are none.
 * Core refuses headers a writer cannot carry (UnsupportedOperationError) instead of dropping
 * them.
 */
export type HeaderSupport = 'binary' | 'text' | 'ascii' | { readonly unsupported: string };

/** Options of one `PluginWriter.publish`. */
export interface PublishOptions extends CallOptions {
  /** The message's timestamp (microseconds since the epoch), for brokers that file by time. */
  timestampUs?: number;
  /**
   * Headers to send with the message, absent when there are none; core has checked them
   * against the plugin's `headers` declaration.
   */
  headers?: MessageHeaders;
}

/** A message as the broker delivered it. */
export interface ReceivedMessage {
  readonly bytes: Uint8Array;
  readonly topic: string;
  /** The client library's own message object. */
  readonly raw: unknown;
  /** The message's headers; absent (or empty) when it has none. */
  readonly headers?: MessageHeaders;
  /** The partition it came from, on brokers that have partitions (for tracing). */
  readonly partition?: number;
  /**
   * Called by core once the message has been handed to the user and the user has moved on
   * (AT_LEAST_ONCE acknowledgement). Absent when the broker needs no acknowledgement.
   */
  settle?(): void | Promise<void>;
}

/**
 * Rules for every writer: `publish` may be called again before an earlier call settles; its
 * promise resolves once the broker has the message at the configured consistency and rejects
 * with a SinetError otherwise. Core does not touch `bytes` until the promise settles, so a
 * plugin may send them without copying. `close` flushes what is in flight, and is idempotent.
 */
export interface PluginWriter {
  /** Connects; rejects with a SinetError (ConnectionError, AuthorizationError...) if it cannot. */
  open(options?: CallOptions): Promise<void>;
  /** Sends one message; resolves once the broker has it at the configured consistency. */
  publish(bytes: Uint8Array, options?: PublishOptions): Promise<void>;
  /** Flushes what is in flight and disconnects; idempotent. */
  close(): Promise<void>;
  /** The client library's own metrics, exposed as `metrics.raw`. */
  metrics?(): unknown;
  /** Starts the client's own metrics afresh. */
  resetMetrics?(): void;
}

/**
 * Rules for every reader: `receive` resolves with the next message, or with `undefined` once
 * the reader is closed; an aborted `signal` rejects it with the signal's reason and must
 * not lose a message (the next `receive` gets it). `close` is idempotent and settles a
 * pending `receive`.
 */
export interface PluginReader {
  /** Connects and subscribes: every message published after it resolves reaches the reader. */
  open(options?: CallOptions): Promise<void>;
  /** The next message, or `undefined` once the reader is closed. */
  receive(options?: CallOptions): Promise<ReceivedMessage | undefined>;
  /** Disconnects without acknowledging what the user has not finished; idempotent; settles a pending `receive`. */
  close(): Promise<void>;
  /** Goes back to the oldest message the broker keeps (brokers with a log). */
  seekToBeginning?(): Promise<void>;
  /** Skips what the broker holds: only messages published from now on come. */
  seekToEnd?(): Promise<void>;
  /** The client library's own metrics, exposed as `metrics.raw`, with `buffered`. */
  metrics?(): unknown;
  /** Starts the client's own metrics afresh. */
  resetMetrics?(): void;
}

/** A broker type (`type:` of a service): how core makes its writers and readers. */
export interface BrokerPlugin {
  /** The service `type` this plugin serves, e.g. `mqtt`. */
  readonly type: string;
  /**
   * Every parameter the plugin takes. Core checks the service's parameters against them
   * before the plugin sees them (wrong types are errors, unknown keys warnings) and
   * `sinetstream config` checks config files with them. A plugin without declarations gets
   * the parameters as written, unchecked.
   */
  readonly parameters?: ParamDeclarations;
  /**
   * Set when the plugin's readers cannot hold back a message's acknowledgement until `settle`
   * (their client acknowledges on arrival): core then refuses AT_LEAST_ONCE and EXACTLY_ONCE
   * readers rather than promise what a crash would break.
   */
  readonly acknowledgesOnArrival?: boolean;
  /**
   * What headers the plugin's messages carry, for every service or per service (MQTT has
   * them from version 5 only). Absent: none.
   */
  readonly headers?: HeaderSupport | ((context: PluginContext) => HeaderSupport);
  /**
   * Why `topic` cannot be a writer's (`role: 'writer'`) or a reader's topic on this broker,
   * or `undefined` when it can. Core asks before the reader or writer is created and refuses
   * the open with InvalidArgumentError naming the topic and the reason, so that a topic the
   * broker would refuse fails at once rather than at the first publish, or never.
   */
  topicProblem?(topic: string, role: 'reader' | 'writer'): string | undefined;
  /** A writer for one topic; core opens it. */
  createWriter(context: WriterContext): PluginWriter;
  /** A reader of the context's topics; core opens it. */
  createReader(context: ReaderContext): PluginReader;
}

/** How values of one value type become bytes and back. */
export interface ValueTypeCodec<T = unknown> {
  /** The value as bytes (what the envelope carries); InvalidArgumentError for a value it cannot take. */
  serialize(value: T): Uint8Array;
  /** The value the bytes stand for; InvalidMessageError on bytes that are not one. */
  deserialize(bytes: Uint8Array): T;
}

/**
 * A value type (`value_type` in the config). Its own `serialize` and `deserialize` serve
 * when the config gives no args; `value_type: {name, args}` (upstream's long form) makes core
 * check `args` against `parameters`, as a broker's are (a wrong type is an
 * InvalidArgumentError naming the key, an unknown key a warning), and use `withArgs`.
 */
export interface ValueTypePlugin<T = unknown> extends ValueTypeCodec<T> {
  /** The `value_type` name, e.g. `ndarray`. */
  readonly name: string;
  /** Every arg it takes; absent: args are handed to `withArgs` unchecked. */
  readonly parameters?: ParamDeclarations;
  /**
   * The codec for these args (checked, defaults applied); `logger` takes warnings about args
   * it accepts but cannot honour. Absent: the value type takes no args, and core warns about
   * any given.
   */
  withArgs?(args: Readonly<Record<string, unknown>>, logger: Logger): ValueTypeCodec<T>;
}

/** One configured compressor; both directions are synchronous so the per-message path stays cheap. */
export interface Compressor {
  /** The bytes compressed. */
  compress(bytes: Uint8Array): Uint8Array;
  /**
   * `maxSize` is the reader's `max_message_size`: a message that inflates beyond it must be
   * refused (`messageTooLarge`) while inflating, holding little more than `maxSize` at any
   * time, since a few KiB of forged input can claim GiBs. Core checks the result's length
   * too, for compressors written before this argument existed, but only afterwards.
   */
  decompress(bytes: Uint8Array, maxSize: number): Uint8Array;
}

/** A compression algorithm (`compression.algorithm`). */
export interface CompressionPlugin {
  /** The `compression.algorithm` name, e.g. `gzip`. */
  readonly name: string;
  /**
   * Builds a compressor. `level` is undefined when the user gave none; `params` is the
   * algorithm's own block (`compression.<name>`), if any.
   */
  create(
    level: number | undefined,
    params: Readonly<Record<string, unknown>>,
  ): Compressor | Promise<Compressor>;
}
