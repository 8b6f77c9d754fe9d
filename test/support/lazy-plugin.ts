import type {
  CallOptions,
  PluginReader,
  PluginWriter,
  PublishOptions,
  ReceivedMessage,
} from '../../src/spi/types.js';

/**
 * A plugin writer made at `open()`, once its context is built the way core builds it (which
 * is asynchronous: parameters checked, TLS files read): tests keep constructing it in one
 * step and see a bad parameter fail `open()`, as a user does.
 */
export class LazyWriter implements PluginWriter {
  #inner: PluginWriter | undefined;
  constructor(private readonly make: () => Promise<PluginWriter>) {}

  async open(options?: CallOptions): Promise<void> {
    this.#inner = await this.make();
    await this.#inner.open(options);
  }

  publish(bytes: Uint8Array, options?: PublishOptions): Promise<void> {
    return this.#inner!.publish(bytes, options);
  }

  async close(): Promise<void> {
    await this.#inner?.close();
  }

  metrics(): unknown {
    return this.#inner?.metrics?.();
  }
}

/** A plugin reader made at `open()`; see LazyWriter. */
export class LazyReader implements PluginReader {
  #inner: PluginReader | undefined;
  constructor(private readonly make: () => Promise<PluginReader>) {}

  async open(options?: CallOptions): Promise<void> {
    this.#inner = await this.make();
    await this.#inner.open(options);
  }

  receive(options?: CallOptions): Promise<ReceivedMessage | undefined> {
    return this.#inner!.receive(options);
  }

  async close(): Promise<void> {
    await this.#inner?.close();
  }

  seekToBeginning(): Promise<void> {
    return this.#inner!.seekToBeginning!();
  }

  seekToEnd(): Promise<void> {
    return this.#inner!.seekToEnd!();
  }

  metrics(): unknown {
    return this.#inner?.metrics?.();
  }
}
