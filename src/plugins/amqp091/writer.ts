import { once } from 'node:events';
import type { Channel, ConfirmChannel, Message, Options } from 'amqplib';
import { NotOpenError, PublishError } from '../../errors.js';
import type { PluginWriter, PublishOptions, WriterContext } from '../../spi/types.js';
import { Amqp091Connection, connectionSettings, toSinetError } from './connection.js';
import { Params } from './params.js';
import { declareExchange, queueOptions, type Topology, topology } from './topology.js';

/**
 * Publishes to `exchange` with the topic as routing key. AT_MOST_ONCE writes and moves on;
 * AT_LEAST_ONCE uses publisher confirms: publish resolves on basic.ack and rejects on
 * basic.nack, on a channel error, and (with `mandatory`) when the message was unroutable.
 */
export class Amqp091Writer implements PluginWriter {
  readonly #topology: Topology;
  readonly #params: Params;
  readonly #confirm: boolean;
  readonly #persistent: boolean;
  readonly #mandatory: boolean;
  /** Message ids the broker returned as unroutable, until their confirm arrives. */
  readonly #returned = new Set<string>();
  readonly #inFlight = new Set<Promise<void>>();
  #sequence = 0;
  #connection: Amqp091Connection | undefined;
  #published = 0;
  #failed = 0;

  constructor(private readonly context: WriterContext) {
    this.#params = new Params(context);
    this.#topology = topology(this.#params);
    if (context.consistency === 'EXACTLY_ONCE') {
      context.logger.warn(
        `${context.service}: AMQP 0.9.1 has no EXACTLY_ONCE; publishing AT_LEAST_ONCE (confirms)`,
      );
    }
    this.#confirm = context.consistency !== 'AT_MOST_ONCE';
    this.#persistent = this.#params.boolean('persistent') ?? this.#confirm;
    this.#mandatory = this.#params.boolean('mandatory') ?? false;
  }

  async open(options: { signal?: AbortSignal } = {}): Promise<void> {
    const t = this.#topology;
    const connection = new Amqp091Connection(
      this.context,
      connectionSettings(this.context, this.#params),
      this.#confirm,
      async (channel) => {
        channel.on('return', (message: Message) => this.#onReturn(message));
        await declareExchange(channel, t);
        // On the default exchange the topic names a queue: make sure it exists, or the
        // first messages would be dropped before any reader declared it.
        if (t.exchange === '' && t.queueDeclare) {
          await channel.assertQueue(this.context.topic, queueOptions(t, false));
        }
      },
    );
    await connection.open(options.signal);
    this.#connection = connection;
  }

  async publish(bytes: Uint8Array, options: PublishOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    const connection = this.#connection;
    if (!connection) throw new NotOpenError(`${this.context.service}: writer is not open`);
    let channel: Channel;
    try {
      channel = await connection.channel();
    } catch (error) {
      this.#failed++;
      throw toSinetError(
        error,
        `${this.context.service}: cannot publish to "${this.context.topic}"`,
      );
    }
    const id = String(++this.#sequence);
    const properties: Options.Publish = {
      persistent: this.#persistent,
      mandatory: this.#mandatory,
      messageId: id,
      ...(options.timestampUs !== undefined
        ? { timestamp: Math.floor(options.timestampUs / 1_000_000) }
        : {}),
    };
    const content = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.#confirm) {
      const confirmed = this.#publishConfirmed(channel as ConfirmChannel, content, properties, id);
      this.#inFlight.add(confirmed);
      try {
        await confirmed;
      } finally {
        this.#inFlight.delete(confirmed);
      }
    } else if (!channel.publish(this.#topology.exchange, this.context.topic, content, properties)) {
      await once(channel, 'drain');
    }
    this.#published++;
  }

  #publishConfirmed(
    channel: ConfirmChannel,
    content: Buffer,
    properties: Options.Publish,
    id: string,
  ): Promise<void> {
    const what = `${this.context.service}: publish to "${this.context.topic}"`;
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => {
        this.#failed++;
        reject(error);
      };
      channel.publish(this.#topology.exchange, this.context.topic, content, properties, (err) => {
        const returned = this.#returned.delete(id);
        if (returned) {
          const route = `exchange "${this.#topology.exchange}", routing key "${this.context.topic}"`;
          fail(new PublishError(`${what}: unroutable (mandatory): no queue bound for ${route}`));
        } else if (err) {
          // amqplib reports only "channel closed"; the server's reason arrives just before.
          setImmediate(() => {
            const cause = this.#connection?.lastChannelError ?? err;
            fail(toSinetError(cause, `${what} failed`, PublishError));
          });
        } else {
          resolve();
        }
      });
    });
  }

  #onReturn(message: Message): void {
    const id = message.properties.messageId;
    if (this.#confirm && typeof id === 'string') this.#returned.add(id);
    else {
      this.context.logger.warn(
        `${this.context.service}: a message to "${this.context.topic}" was unroutable and dropped`,
      );
    }
  }

  async close(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    if (!connection) return;
    await Promise.allSettled(this.#inFlight);
    await connection.close();
  }

  metrics(): unknown {
    return { published: this.#published, failed: this.#failed };
  }

  resetMetrics(): void {
    this.#published = 0;
    this.#failed = 0;
  }
}
