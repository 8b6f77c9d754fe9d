import type { EncodedEnvelope } from '../envelope/envelope-codec.js';
import { PublishError, SinetError } from '../errors.js';
import type { ClientTelemetry } from '../observability/telemetry.js';
import type { PluginRegistry } from '../spi/registry.js';
import type {
  BrokerPlugin,
  MessageHeaders,
  PluginContext,
  PluginWriter,
  WriterContext,
} from '../spi/types.js';
import { carriesHeaders, checkHeaders, type HeadersInit } from './headers.js';
import { serviceSource } from './load-service.js';
import type { ServiceTypeName, ValueOf, ValueTypeName, WriterOptions } from './options.js';
import { ServiceClient } from './service-client.js';
import { toTimestampUs } from './timestamp.js';
import { usage } from './usage.js';
import { loadValueType } from './value-type.js';

/** Options of one `publish`. */
export interface PublishOptions {
  /** Seconds since the epoch (as upstream) or a Date; default: now, to the microsecond. */
  timestamp?: number | Date;
  signal?: AbortSignal;
  /**
   * Sent beside the message in the broker's own header mechanism, never inside it: text or
   * byte values, as far as the broker carries them (UnsupportedOperationError otherwise;
   * see docs/api.md for the table).
   */
  headers?: HeadersInit;
}

abstract class WriterBase<T> extends ServiceClient<PluginWriter> {
  protected readonly role = 'writer' as const;
  readonly #options: WriterOptions<T>;
  #serialize: ((value: T) => Uint8Array) | undefined;

  constructor(options: WriterOptions<T>) {
    super(serviceSource(options, 'writer'), options);
    this.#options = options;
  }

  get topic(): string {
    return this.resolved.topics[0]!;
  }

  protected async prepare(registry: PluginRegistry): Promise<void> {
    const custom = this.#options.valueSerializer;
    if (custom) this.#serialize = custom;
    else {
      const valueType = await loadValueType(this.resolved, registry, this.logger);
      this.#serialize = (value) => valueType.serialize(value);
    }
  }

  protected async openHandle(handle: PluginWriter): Promise<void> {
    await handle.open();
  }

  protected writerContext(context: PluginContext): WriterContext {
    return { ...context, topic: this.topic };
  }

  /**
   * Not an async function: on the plain path (no telemetry) a publish costs one promise of
   * the plugin's and one `then`, nothing more per message.
   */
  protected send(value: T, options: PublishOptions): Promise<void> {
    let writer: PluginWriter;
    let timestampUs: number;
    try {
      writer = this.handle();
      timestampUs = toTimestampUs(options.timestamp);
    } catch (error) {
      return Promise.reject(error);
    }
    let encoded: EncodedEnvelope;
    let headers: Map<string, string | Uint8Array> | undefined;
    try {
      if (options.headers !== undefined)
        headers = checkHeaders(options.headers, this.headerSupport, this.describe());
      encoded = this.envelope.encode(this.#serialize!(value), timestampUs);
    } catch (error) {
      this.recorder.recordError();
      return Promise.reject(error);
    }
    const { telemetry } = this;
    let published: Promise<void>;
    try {
      published = telemetry
        ? this.#publishObserved(telemetry, writer, encoded, headers, timestampUs, options.signal)
        : writer.publish(encoded.bytes, { signal: options.signal, timestampUs, headers });
    } catch (error) {
      // A plugin's publish that throws instead of rejecting fails the same way.
      published = Promise.reject(error);
    }
    return published.then(
      () =>
        this.recorder.recordMessage(
          encoded.bytes.length,
          encoded.compressedLength,
          encoded.uncompressedLength,
        ),
      (error: unknown) => {
        this.recorder.recordError();
        throw this.#publishError(error);
      },
    );
  }

  #publishObserved(
    telemetry: ClientTelemetry,
    writer: PluginWriter,
    encoded: EncodedEnvelope,
    headers: Map<string, string | Uint8Array> | undefined,
    timestampUs: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const inject = carriesHeaders(this.headerSupport);
    // Failures as the user gets them, so that spans and counters name the same error type.
    return telemetry.publish(
      encoded.bytes.length,
      headers,
      inject,
      (carried: MessageHeaders | undefined) =>
        writer
          .publish(encoded.bytes, { signal, timestampUs, headers: carried })
          .catch((error: unknown) => {
            throw this.#publishError(error);
          }),
    );
  }

  #publishError(error: unknown): SinetError {
    return error instanceof SinetError
      ? error
      : new PublishError(
          `${this.describe()}: publish to "${this.topic}" failed: ${String(error)}`,
          {
            cause: error,
          },
        );
  }
}

/**
 * Sends messages to one topic of a service. `publish` resolves once the broker has the
 * message at the configured consistency.
 *
 * ```ts
 * await using writer = await new MessageWriter({ service: 'service-1', valueType: 'text' }).open();
 * await writer.publish('hello'); // a string, because valueType is 'text'
 * ```
 */
export class MessageWriter<
  T = Uint8Array,
  S extends ServiceTypeName = string,
  V extends ValueTypeName = string,
> extends WriterBase<ValueOf<T, V>> {
  /** The options a MessageWriter is made with most often, as upstream's `usage()`. */
  static usage(): string {
    return usage('MessageWriter', 'writer');
  }

  constructor(options: WriterOptions<T, S, V> = {}) {
    super(options as WriterOptions<ValueOf<T, V>>);
  }

  protected createHandle(plugin: BrokerPlugin, context: PluginContext): PluginWriter {
    return plugin.createWriter(this.writerContext(context));
  }

  /** Sends one value; resolves once the broker has it at the writer's consistency. */
  publish(value: ValueOf<T, V>, options: PublishOptions = {}): Promise<void> {
    return this.send(value, options);
  }
}

/**
 * Upstream's name for the writer whose publishes run concurrently. Every `MessageWriter`
 * already works so (`publish` returns at once; many may be in flight; each promise settles
 * with its message's outcome), so this is the same class under that name.
 */
export class AsyncMessageWriter<
  T = Uint8Array,
  S extends ServiceTypeName = string,
  V extends ValueTypeName = string,
> extends MessageWriter<T, S, V> {
  /** As MessageWriter's, under this name. */
  static override usage(): string {
    return usage('AsyncMessageWriter', 'writer');
  }
}
