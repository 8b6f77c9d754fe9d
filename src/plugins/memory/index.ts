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
  type Cursor,
  type MemoryBroker,
  type MemoryRecord,
  type MemoryTopic,
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
  return memoryBroker(context.brokers[0] ?? 'default', Math.max(1, Math.floor(retain)));
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

/**
 * Reads each topic's log through a cursor: a message is taken from the log when `receive`
 * asks for it, so nothing waits in the reader. One that falls more than `retain` messages
 * behind loses the oldest, as a broker's retention would drop them, and says so.
 */
class MemoryReader implements PluginReader {
  /** Hands messages to receives that wait; it never holds one (see #wake). */
  readonly #queue = new MessageQueue();
  #reading: { topic: MemoryTopic; cursor: Cursor }[] = [];
  /** Which topic to look at first: the topics take turns. */
  #turn = 0;
  #broker: MemoryBroker | undefined;
  #received = 0;

  constructor(private readonly context: ReaderContext) {}

  async open(): Promise<void> {
    const broker = brokerOf(this.context);
    const { group_id } = paramsOf(this.context, MEMORY_PARAMETERS);
    this.#reading = this.context.topics.map((name) => {
      const topic = broker.topic(name);
      topic.listen(this.#wake);
      return { topic, cursor: topic.cursor(group_id) };
    });
    this.#broker = broker;
  }

  receive(options?: CallOptions): Promise<ReceivedMessage | undefined> {
    const message = this.#queue.closed ? undefined : this.#take();
    return message ? Promise.resolve(message) : this.#queue.receive(options);
  }

  /** A message came: as many as wait get one. */
  readonly #wake = (): void => {
    while (this.#queue.waiting > 0) {
      const message = this.#take();
      if (!message) return;
      this.#queue.push(message);
    }
  };

  #take(): ReceivedMessage | undefined {
    const count = this.#reading.length;
    for (let i = 0; i < count; i++) {
      const index = (this.#turn + i) % count;
      const { topic, cursor } = this.#reading[index]!;
      if (cursor.offset < topic.firstOffset) this.#fellBehind(topic, cursor);
      const record = topic.at(cursor.offset);
      if (record) {
        cursor.offset++;
        this.#turn = (index + 1) % count;
        this.#received++;
        return toMessage(record);
      }
    }
    return undefined;
  }

  #fellBehind(topic: MemoryTopic, cursor: Cursor): void {
    const lost = topic.firstOffset - cursor.offset;
    this.context.logger.warn(
      `memory: the reader of "${topic.name}" fell behind the ${topic.retain} messages the ` +
        `topic keeps (retain): ${lost} are gone`,
    );
    cursor.offset = topic.firstOffset;
  }

  /** Reads each topic's retained log from its oldest record. */
  async seekToBeginning(): Promise<void> {
    this.#requireOpen();
    for (const { topic, cursor } of this.#reading) cursor.offset = topic.firstOffset;
  }

  /** Only messages published from now on are read. */
  async seekToEnd(): Promise<void> {
    this.#requireOpen();
    for (const { topic, cursor } of this.#reading) cursor.offset = topic.endOffset;
  }

  async close(): Promise<void> {
    for (const { topic } of this.#reading) topic.unlisten(this.#wake);
    this.#broker = undefined;
    this.#queue.close();
  }

  metrics(): unknown {
    return { received: this.#received, buffered: this.#queue.size };
  }

  resetMetrics(): void {
    this.#received = 0;
  }

  #requireOpen(): void {
    if (!this.#broker)
      throw new NotOpenError(`memory reader for "${this.context.topics.join(',')}" is not open`);
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
