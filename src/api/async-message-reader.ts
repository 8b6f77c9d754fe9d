import { SinetError } from '../errors.js';
import type { BrokerPlugin, PluginContext, PluginReader, ReceivedMessage } from '../spi/types.js';
import type { Message } from './message.js';
import { ReaderBase } from './message-reader.js';
import type { ReaderOptions, ServiceTypeName, ValueOf, ValueTypeName } from './options.js';
import { usage } from './usage.js';

interface AsyncReaderHandlers {
  onMessage(message: ReceivedMessage): void | Promise<void>;
  onFailure(error: Error): void;
}

/** Drives a plugin's pull-style reader for the callbacks of AsyncMessageReader. */
class PullingAsyncReader {
  readonly #stop = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(readonly reader: PluginReader) {}

  async open(handlers: AsyncReaderHandlers): Promise<void> {
    await this.reader.open();
    this.#loop = this.#run(handlers);
  }

  async #run(handlers: AsyncReaderHandlers): Promise<void> {
    const options = { signal: this.#stop.signal };
    const { signal } = options;
    while (!signal.aborted) {
      let received: ReceivedMessage | undefined;
      try {
        received = await this.reader.receive(options);
      } catch (error) {
        if (signal.aborted) return;
        handlers.onFailure(error as Error);
        return;
      }
      if (!received) return;
      await handlers.onMessage(received);
    }
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await this.reader.close();
    await this.#loop;
  }

  metrics(): unknown {
    return this.reader.metrics?.();
  }

  resetMetrics(): void {
    this.reader.resetMetrics?.();
  }

  info(path: readonly string[]): unknown {
    return this.reader.info?.(path);
  }
}

/**
 * Receives messages by callback: set `onMessage` (and `onFailure`), then `open()`.
 * A message is acknowledged (AT_LEAST_ONCE) once `onMessage` has returned, or its promise
 * resolved. Errors from decoding or from `onMessage` go to `onFailure`.
 */
export class AsyncMessageReader<
  T = Uint8Array,
  S extends ServiceTypeName = string,
  V extends ValueTypeName = string,
> extends ReaderBase<ValueOf<T, V>, PullingAsyncReader> {
  /** Called with each message; the next one waits until it returns (or its promise settles). */
  onMessage: ((message: Message<ValueOf<T, V>>) => void | Promise<void>) | undefined;
  /** Called when reading fails (a broken connection, a message that is not a SINETStream message). */
  onFailure: ((error: Error) => void) | undefined;

  /** The options an AsyncMessageReader is made with most often, as upstream's `usage()`. */
  static usage(): string {
    return usage('AsyncMessageReader', 'reader');
  }

  constructor(options: ReaderOptions<T, S, V> = {}) {
    super(options as ReaderOptions<ValueOf<T, V>>);
  }

  protected createHandle(plugin: BrokerPlugin, context: PluginContext): PullingAsyncReader {
    return new PullingAsyncReader(plugin.createReader(this.readerContext(context, plugin)));
  }

  /** While callbacks run: messages from the new position follow the one being handled. */
  protected pluginReader(handle: PullingAsyncReader): PluginReader {
    return handle.reader;
  }

  protected async openHandle(handle: PullingAsyncReader): Promise<void> {
    await handle.open({
      onMessage: (received) => this.#deliver(received),
      onFailure: (error) => this.#fail(error),
    });
  }

  async #deliver(received: ReceivedMessage): Promise<void> {
    try {
      const message = await this.decodeUnlessClosed(received);
      if (message) await this.#handOver(message, received);
    } catch (error) {
      if (!this.skipsInvalid(error)) this.#fail(error);
    }
    if (!received.settle) return;
    try {
      await received.settle();
    } catch (error) {
      this.#fail(
        new SinetError(`${this.describe()}: acknowledging a message failed`, { cause: error }),
      );
    }
  }

  /** Calls onMessage, inside the message's `process` span when traced. */
  async #handOver(message: Message<ValueOf<T, V>>, received: ReceivedMessage): Promise<void> {
    const { telemetry } = this;
    if (!telemetry) {
      await this.onMessage?.(message);
      return;
    }
    const held = telemetry.consume(received);
    try {
      await held.run(() => this.onMessage?.(message));
      held.end();
    } catch (error) {
      held.end(error);
      throw error;
    }
  }

  #fail(error: unknown): void {
    const failure =
      error instanceof Error ? error : new SinetError(String(error), { cause: error });
    if (this.onFailure) this.onFailure(failure);
    else this.logger.warn(`${this.describe()}: ${failure.message} (set onFailure to handle it)`);
  }
}
