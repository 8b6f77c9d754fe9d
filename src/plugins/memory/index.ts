import { NotOpenError } from '../../errors.js';
import { MessageQueue } from '../../spi/message-queue.js';
import { type ParamDeclarations, paramsOf } from '../../spi/parameters.js';
import type {
  BrokerPlugin,
  CallOptions,
  MessageHeaders,
  PluginReader,
  PluginWriter,
  PublishOptions,
  ReaderContext,
  ReceivedMessage,
  WriterContext,
} from '../../spi/types.js';
import {
  type MemoryBroker,
  type MemoryRecord,
  type MemorySubscriber,
  memoryBroker,
} from './broker.js';

export const MEMORY_PARAMETERS = {
  retain: {
    type: 'number',
    default: 10_000,
    description: 'messages each topic keeps for readers that seek to the beginning',
  },
  group_id: {
    type: 'string',
    role: 'reader',
    description: 'readers of one group share the messages of a topic',
  },
} as const satisfies ParamDeclarations;

function brokerOf(context: WriterContext | ReaderContext): MemoryBroker {
  const { retain } = paramsOf(context, MEMORY_PARAMETERS);
  return memoryBroker(context.brokers[0] ?? 'default', Math.max(1, retain));
}

class MemoryWriter implements PluginWriter {
  #broker: MemoryBroker | undefined;
  #published = 0;

  constructor(private readonly context: WriterContext) {}

  async open(): Promise<void> {
    this.#broker = brokerOf(this.context);
  }

  async publish(bytes: Uint8Array, options: PublishOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    if (!this.#broker)
      throw new NotOpenError(`memory writer for "${this.context.topic}" is not open`);
    // Copy: the caller may reuse its buffer, and a real broker would hold its own copy too.
    this.#broker.topic(this.context.topic).append(bytes.slice(), copyHeaders(options.headers));
    this.#published++;
  }

  async close(): Promise<void> {
    this.#broker = undefined;
  }

  metrics(): unknown {
    return { published: this.#published };
  }

  resetMetrics(): void {
    this.#published = 0;
  }
}

class MemoryReader implements PluginReader {
  readonly #queue = new MessageQueue();
  readonly #subscriber: MemorySubscriber;
  #broker: MemoryBroker | undefined;

  constructor(private readonly context: ReaderContext) {
    this.#subscriber = {
      group: paramsOf(context, MEMORY_PARAMETERS).group_id,
      deliver: (record) => this.#queue.push(toMessage(record)),
    };
  }

  async open(): Promise<void> {
    this.#broker = brokerOf(this.context);
    for (const topic of this.context.topics)
      this.#broker.topic(topic).subscribers.add(this.#subscriber);
  }

  receive(options?: CallOptions): Promise<ReceivedMessage | undefined> {
    return this.#queue.receive(options);
  }

  /** Replays each topic's retained log from its oldest record. */
  async seekToBeginning(): Promise<void> {
    const broker = this.#requireOpen();
    this.#queue.clear();
    for (const topic of this.context.topics) {
      for (const record of broker.topic(topic).from(0)) this.#queue.push(toMessage(record));
    }
  }

  /** Drops what is buffered: only messages published from now on are read. */
  async seekToEnd(): Promise<void> {
    this.#requireOpen();
    this.#queue.clear();
  }

  async close(): Promise<void> {
    if (this.#broker) {
      for (const topic of this.context.topics)
        this.#broker.topic(topic).subscribers.delete(this.#subscriber);
      this.#broker = undefined;
    }
    this.#queue.close();
  }

  #requireOpen(): MemoryBroker {
    if (!this.#broker)
      throw new NotOpenError(`memory reader for "${this.context.topics.join(',')}" is not open`);
    return this.#broker;
  }
}

function copyHeaders(headers: MessageHeaders | undefined): MessageHeaders | undefined {
  if (!headers) return undefined;
  return new Map(
    [...headers].map(([name, value]) => [name, typeof value === 'string' ? value : value.slice()]),
  );
}

function toMessage(record: MemoryRecord): ReceivedMessage {
  return { bytes: record.bytes, topic: record.topic, raw: record, headers: record.headers };
}

/**
 * `type: memory`: topics inside this process, for unit tests and for trying the API with
 * nothing installed. `brokers` names the in-process broker (default `default`);
 * `type_spec.group_id` shares a topic's messages among the readers of one group;
 * `type_spec.retain` bounds each topic's log (default 10000).
 */
export const plugin: BrokerPlugin = {
  type: 'memory',
  parameters: MEMORY_PARAMETERS,
  headers: 'binary',
  createWriter: (context) => new MemoryWriter(context),
  createReader: (context) => new MemoryReader(context),
};

export { plugin as memoryPlugin };
