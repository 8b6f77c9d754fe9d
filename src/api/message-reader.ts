import type { DecodedEnvelope } from '../envelope/envelope-codec.js';
import { InvalidMessageError, SinetError, UnsupportedOperationError } from '../errors.js';
import type { HeldMessage } from '../observability/telemetry.js';
import type { PluginRegistry } from '../spi/registry.js';
import type {
  BrokerPlugin,
  PluginContext,
  PluginReader,
  ReaderContext,
  ReceivedMessage,
} from '../spi/types.js';
import { NO_HEADERS } from './headers.js';
import { serviceSource } from './load-service.js';
import { Message } from './message.js';
import type { ReaderOptions, ServiceTypeName, ValueOf, ValueTypeName } from './options.js';
import { type PluginHandle, ServiceClient } from './service-client.js';
import { usage } from './usage.js';
import { loadValueType } from './value-type.js';

/** What MessageReader and AsyncMessageReader share: topics, timeout, decoding. */
export abstract class ReaderBase<T, H extends PluginHandle> extends ServiceClient<H> {
  protected readonly role = 'reader' as const;
  readonly #options: ReaderOptions<T>;
  #deserialize: ((bytes: Uint8Array) => T) | undefined;
  /** Aborted when close starts: pending reads and decodes give up then. */
  protected readonly closed = new AbortController();

  constructor(options: ReaderOptions<T>) {
    super(serviceSource(options, 'reader'), options);
    this.#options = options;
  }

  get topics(): readonly string[] {
    return this.resolved.topics;
  }

  /** Infinity when the reader waits forever. */
  get receiveTimeoutMs(): number {
    return this.resolved.receiveTimeoutMs;
  }

  protected async prepare(registry: PluginRegistry): Promise<void> {
    const custom = this.#options.valueDeserializer;
    if (custom) this.#deserialize = custom;
    else {
      const valueType = await loadValueType(this.resolved, registry, this.logger);
      this.#deserialize = (bytes) => valueType.deserialize(bytes) as T;
    }
  }

  protected readerContext(context: PluginContext, plugin: BrokerPlugin): ReaderContext {
    if (plugin.acknowledgesOnArrival && context.consistency !== 'AT_MOST_ONCE') {
      throw new UnsupportedOperationError(
        `${this.describe()}: consistency ${context.consistency} needs a reader that acknowledges ` +
          `a message once it is handled, and type "${plugin.type}" acknowledges on arrival; ` +
          'use AT_MOST_ONCE',
      );
    }
    return {
      ...context,
      topics: this.topics,
      receiveTimeoutMs: this.receiveTimeoutMs,
      maxUnackedMessages: this.resolved.maxUnackedMessages,
    };
  }

  protected override beforeClose(): void {
    this.closed.abort();
  }

  /** The plugin's reader behind the handle. */
  protected abstract pluginReader(handle: H): PluginReader;

  /** Reads again from the oldest message the broker keeps (Kafka, memory, S3); UnsupportedOperationError elsewhere. */
  async seekToBeginning(): Promise<void> {
    const reader = this.pluginReader(this.handle());
    if (!reader.seekToBeginning) throw this.#cannotSeek();
    await reader.seekToBeginning();
  }

  /** Skips what the broker holds: only messages published from now on come. */
  async seekToEnd(): Promise<void> {
    const reader = this.pluginReader(this.handle());
    if (!reader.seekToEnd) throw this.#cannotSeek();
    await reader.seekToEnd();
  }

  #cannotSeek(): UnsupportedOperationError {
    return new UnsupportedOperationError(
      `${this.describe()}: type "${this.resolved.type}" cannot seek`,
    );
  }

  /**
   * The message decoded, or undefined if the reader closes first: decoding may wait for a
   * key derivation (seconds, for a high iteration count), and close must not. Without
   * encryption nothing waits: the message comes back at once, without a promise (a promise
   * and a listener per message were a good part of the read path's cost).
   */
  protected decodeUnlessClosed(
    received: ReceivedMessage,
  ): Message<T> | undefined | Promise<Message<T> | undefined> {
    if (this.closed.signal.aborted) return undefined;
    const { envelope } = this;
    if (envelope.decodesAtOnce) return this.#decodeNow(received);
    return this.#unlessClosed(this.#decode(received));
  }

  async #unlessClosed(decoding: Promise<Message<T>>): Promise<Message<T> | undefined> {
    const { signal } = this.closed;
    let onClose = () => {};
    const closing = new Promise<undefined>((resolve) => {
      onClose = () => resolve(undefined);
      signal.addEventListener('abort', onClose, { once: true });
    });
    try {
      return await Promise.race([decoding, closing]);
    } finally {
      signal.removeEventListener('abort', onClose);
      // A decode that lost the race to close fails unobserved.
      decoding.catch(() => undefined);
    }
  }

  /**
   * Whether the loop goes on past `error`, as `onInvalidMessage` says; the error is then
   * reported to its callback, or to the logger.
   */
  protected skipsInvalid(error: unknown): boolean {
    const choice = this.#options.onInvalidMessage ?? 'throw';
    if (!(error instanceof InvalidMessageError) || choice === 'throw') return false;
    if (choice === 'skip') this.logger.warn(`${error.message}; skipped`);
    else choice(error);
    return true;
  }

  /**
   * Envelope and value decoding; failures are counted, and an unreadable message's error
   * names the topic and what usually causes it.
   */
  #decodeNow(received: ReceivedMessage): Message<T> {
    try {
      return this.#message(received, this.envelope.decodeNow(received.bytes));
    } catch (error) {
      throw this.#decodeFailure(received, error);
    }
  }

  async #decode(received: ReceivedMessage): Promise<Message<T>> {
    try {
      return this.#message(received, await this.envelope.decode(received.bytes));
    } catch (error) {
      throw this.#decodeFailure(received, error);
    }
  }

  #message(received: ReceivedMessage, decoded: DecodedEnvelope): Message<T> {
    const value = this.#deserialize!(decoded.payload);
    this.recorder.recordMessage(
      received.bytes.length,
      decoded.compressedLength,
      decoded.uncompressedLength,
    );
    return new Message(
      value,
      received.topic,
      decoded.timestampUs,
      received.raw,
      received.headers ?? NO_HEADERS,
    );
  }

  #decodeFailure(received: ReceivedMessage, error: unknown): unknown {
    this.recorder.recordError();
    this.telemetry?.readFailed(error);
    if (!(error instanceof InvalidMessageError)) return error;
    return new InvalidMessageError(
      `${this.describe()}: a message on topic "${received.topic}" is not a SINETStream ` +
        `message this reader can read: ${error.message}. Was it written by another client ` +
        'than SINETStream, by a writer with user_data_only, or with a different ' +
        "message_format, compression or crypto settings? (onInvalidMessage: 'skip' goes on past such messages)",
      { cause: error, code: error.code, retriable: false },
    );
  }
}

/** Node's timers can be re-armed and can let the process exit; a browser's are numbers. */
interface NodeTimer {
  refresh(): NodeTimer;
  ref(): NodeTimer;
  unref(): NodeTimer;
}

function isNodeTimer(timer: unknown): timer is NodeTimer {
  return typeof (timer as Partial<NodeTimer> | undefined)?.refresh === 'function';
}

/**
 * Receives messages from one or more topics: `for await (const message of reader)`.
 * Iteration ends after `receiveTimeoutMs` without a message, or when the reader closes.
 * `message.value` is what a literal `valueType` names (`'text'`: string), else `T`.
 */
export class MessageReader<
    T = Uint8Array,
    S extends ServiceTypeName = string,
    V extends ValueTypeName = string,
  >
  extends ReaderBase<ValueOf<T, V>, PluginReader>
  implements AsyncIterable<Message<ValueOf<T, V>>>
{
  /**
   * What every receive is given: its signal aborts on the receive timeout or on close. Reused
   * from one receive to the next (a fresh AbortController per message was most of the read
   * path's garbage); replaced only after a timeout has aborted it.
   */
  #stop = new AbortController();
  #receiveOptions = { signal: this.#stop.signal };
  /** The receive timeout: one timer per reader, re-armed per receive, idle (unref'd) between. */
  #timer: ReturnType<typeof setTimeout> | undefined;
  #waiting = false;

  /** The options a MessageReader is made with most often, as upstream's `usage()`. */
  static usage(): string {
    return usage('MessageReader', 'reader');
  }

  constructor(options: ReaderOptions<T, S, V> = {}) {
    super(options as ReaderOptions<ValueOf<T, V>>);
  }

  protected createHandle(plugin: BrokerPlugin, context: PluginContext): PluginReader {
    return plugin.createReader(this.readerContext(context, plugin));
  }

  protected async openHandle(handle: PluginReader): Promise<void> {
    await handle.open();
  }

  protected pluginReader(handle: PluginReader): PluginReader {
    return handle;
  }

  protected override beforeClose(): void {
    super.beforeClose();
    clearTimeout(this.#timer);
    this.#stop.abort();
  }

  /**
   * Messages as they arrive. A message that is not a valid SINETStream message ends the
   * iteration with InvalidMessageError (iterating again goes on with the next one), unless
   * `onInvalidMessage` says to skip it.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Message<ValueOf<T, V>>, void, undefined> {
    const reader = this.handle();
    const { telemetry } = this;
    let taken: ReceivedMessage | undefined;
    let held: HeldMessage | undefined;
    try {
      for (;;) {
        if (taken) {
          const handled = taken;
          taken = undefined;
          held?.end();
          const settling = this.#settle(handled);
          if (settling) await settling;
        }
        const asked = telemetry ? performance.now() : undefined;
        taken = await this.#receive(reader);
        if (!taken) return;
        let message: Message<ValueOf<T, V>> | undefined;
        try {
          const decoding = this.decodeUnlessClosed(taken);
          message = decoding instanceof Promise ? await decoding : decoding;
        } catch (error) {
          if (this.skipsInvalid(error)) continue;
          throw error;
        }
        if (!message) return;
        held = telemetry?.consume(taken, asked);
        yield message;
      }
    } finally {
      held?.end();
      // The user broke out after handling the last message, or it failed to decode: either
      // way it must not come back (AT_LEAST_ONCE would otherwise redeliver it forever).
      if (taken) await this.#settle(taken);
    }
  }

  /**
   * Acknowledges a message the user is done with. Not an async function: a plugin whose
   * settle is synchronous (most) costs the loop no promise and no await per message.
   */
  #settle(message: ReceivedMessage): Promise<void> | undefined {
    if (!message.settle || this.closed.signal.aborted) return undefined;
    let settling: void | Promise<void>;
    try {
      settling = message.settle();
    } catch (error) {
      throw this.#settleError(error);
    }
    return settling?.catch((error: unknown) => {
      throw this.#settleError(error);
    });
  }

  #settleError(error: unknown): SinetError {
    return error instanceof SinetError
      ? error
      : new SinetError(`${this.describe()}: acknowledging a message failed`, { cause: error });
  }

  /**
   * The next message, or undefined on timeout or close. One `then` on the plugin's promise,
   * not an async function awaiting it: a microtask less per message.
   */
  #receive(reader: PluginReader): Promise<ReceivedMessage | undefined> {
    if (this.closed.signal.aborted) return Promise.resolve(undefined);
    const options = this.#receiveOptions;
    this.#armTimer();
    let receiving: Promise<ReceivedMessage | undefined>;
    try {
      receiving = reader.receive(options);
    } catch (error) {
      receiving = Promise.reject(error);
    }
    return receiving.then(
      (message) => {
        this.#received();
        return message;
      },
      (error: unknown) => {
        this.#received();
        if (options.signal.aborted) return undefined;
        throw error;
      },
    );
  }

  /** A receive ended: the timer no longer keeps the process alive. */
  #received(): void {
    this.#waiting = false;
    const timer = this.#timer;
    if (isNodeTimer(timer)) timer.unref();
  }

  #armTimer(): void {
    const timeout = this.receiveTimeoutMs;
    if (!Number.isFinite(timeout)) return;
    this.#waiting = true;
    // Ref'd while a receive waits, unlike AbortSignal.timeout: the process must stay alive.
    const timer = this.#timer;
    if (isNodeTimer(timer)) timer.refresh().ref();
    else {
      clearTimeout(timer);
      this.#timer = setTimeout(() => this.#timedOut(), timeout);
    }
  }

  /** Ends the receive under way; a timer that fires between receives means nothing. */
  #timedOut(): void {
    if (!this.#waiting || this.closed.signal.aborted) return;
    const stop = this.#stop;
    this.#stop = new AbortController();
    this.#receiveOptions = { signal: this.#stop.signal };
    stop.abort();
  }
}
