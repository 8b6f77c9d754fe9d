import type { Channel, ConsumeMessage } from 'amqplib';
import { ConnectionError } from '../../errors.js';
import { headersFromTable } from '../../spi/headers.js';
import { MessageQueue } from '../../spi/message-queue.js';
import { paramsOf } from '../../spi/parameters.js';
import type { CallOptions, PluginReader, ReaderContext, ReceivedMessage } from '../../spi/types.js';
import { ChannelAcks } from './acks.js';
import { Amqp091Connection, connectionSettings } from './connection.js';
import { AMQP091_PARAMETERS, type Amqp091Params } from './parameters.js';
import { declareReaderQueues, type Topology, topology } from './topology.js';

/**
 * Consumes the reader's queue(s). AT_MOST_ONCE: automatic acknowledgement. AT_LEAST_ONCE:
 * a message is acknowledged when core settles it, after the user has had it; whatever is
 * unacknowledged when the reader's connection ends goes back to the queue for other readers.
 * `prefetch` bounds the unacknowledged messages (1 gives fair dispatch among workers).
 */
export class Amqp091Reader implements PluginReader {
  readonly #params: Amqp091Params;
  readonly #topology: Topology;
  readonly #ack: boolean;
  readonly #prefetch: number;
  readonly #queue: MessageQueue;
  #connection: Amqp091Connection | undefined;
  #channel: Channel | undefined;
  /** The current channel's acknowledgements (AT_LEAST_ONCE). */
  #acks: ChannelAcks | undefined;
  #queues: string[] = [];
  #consumerTags: string[] = [];
  #paused = false;
  #received = 0;

  constructor(private readonly context: ReaderContext) {
    this.#params = paramsOf(context, AMQP091_PARAMETERS);
    this.#topology = topology(this.#params);
    this.#ack = context.consistency !== 'AT_MOST_ONCE';
    this.#prefetch = this.#params.prefetch ?? context.maxUnackedMessages;
    this.#queue = new MessageQueue(
      this.#ack
        ? {}
        : {
            // Auto-ack readers have no prefetch window: past it, stop consuming.
            highWaterMark: context.maxUnackedMessages,
            onHigh: () => this.#pause(),
            onLow: () => this.#resume(),
          },
    );
  }

  async open(options: CallOptions = {}): Promise<void> {
    const connection = new Amqp091Connection(
      this.context,
      connectionSettings(this.context, this.#params),
      false,
      (channel) => this.#setup(channel),
      (error) => this.#queue.fail(error),
    );
    await connection.open(options.signal);
    this.#connection = connection;
  }

  async #setup(channel: Channel): Promise<void> {
    if (this.#ack && this.#prefetch > 0) await channel.prefetch(this.#prefetch);
    this.#queues = await declareReaderQueues(channel, this.#topology, this.context);
    this.#channel = channel;
    this.#acks = this.#ack
      ? new ChannelAcks(channel, (error) =>
          this.#queue.fail(
            new ConnectionError(`${this.context.service}: acknowledging failed`, { cause: error }),
          ),
        )
      : undefined;
    this.#consumerTags = [];
    if (!this.#paused) await this.#consume(channel);
  }

  async #consume(channel: Channel): Promise<void> {
    for (const queue of this.#queues) {
      const { consumerTag } = await channel.consume(
        queue,
        (message) => this.#deliver(channel, queue, message),
        { noAck: !this.#ack },
      );
      this.#consumerTags.push(consumerTag);
    }
  }

  #deliver(channel: Channel, queue: string, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled the consumer: the queue was deleted.
      this.#queue.fail(new ConnectionError(`${this.context.service}: queue "${queue}" went away`));
      return;
    }
    this.#received++;
    const acks = this.#acks;
    acks?.delivered(message);
    // One object per delivery, settle included or not (a spread would copy it).
    this.#queue.push({
      bytes: new Uint8Array(
        message.content.buffer,
        message.content.byteOffset,
        message.content.length,
      ),
      topic: message.fields.routingKey,
      raw: message,
      headers: headersFromTable(message.properties.headers),
      // After the channel died the broker has already requeued the message: nothing to ack.
      settle: acks
        ? () => {
            if (channel === this.#channel) acks.settle(message);
          }
        : undefined,
    });
  }

  #pause(): void {
    this.#paused = true;
    const channel = this.#channel;
    for (const tag of this.#consumerTags.splice(0)) channel?.cancel(tag).catch(() => {});
  }

  #resume(): void {
    this.#paused = false;
    const channel = this.#channel;
    if (channel) this.#consume(channel).catch(() => {});
  }

  receive(options?: CallOptions): Promise<ReceivedMessage | undefined> {
    return this.#queue.receive(options);
  }

  async close(): Promise<void> {
    this.#queue.close();
    // What the user settled goes before the channel closes (else it would come again).
    this.#acks?.flush();
    this.#acks = undefined;
    const connection = this.#connection;
    this.#connection = undefined;
    this.#channel = undefined;
    await connection?.close();
  }

  metrics(): unknown {
    return { received: this.#received, buffered: this.#queue.size };
  }

  resetMetrics(): void {
    this.#received = 0;
  }
}
