import { once } from 'node:events';
import type { Channel, ConfirmChannel, Message, Options } from 'amqplib';
import { ConnectionError, NotOpenError, PublishError } from '../../errors.js';
import { InFlight } from '../../spi/in-flight.js';
import { paramsOf } from '../../spi/parameters.js';
import type {
  MessageHeaders,
  PluginWriter,
  PublishOptions,
  WriterContext,
} from '../../spi/types.js';
import { Amqp091Connection, connectionSettings, toSinetError } from './connection.js';
import { AMQP091_PARAMETERS, type Amqp091Params } from './parameters.js';
import { declareExchange, queueOptions, type Topology, topology } from './topology.js';

/**
 * Publishes to `exchange` with the topic as routing key. AT_MOST_ONCE writes and moves on;
 * AT_LEAST_ONCE uses publisher confirms: publish resolves on basic.ack and rejects on
 * basic.nack, on a channel error, and (with `mandatory`) when the message was unroutable.
 */
export class Amqp091Writer implements PluginWriter {
  readonly #topology: Topology;
  readonly #params: Amqp091Params;
  readonly #confirm: boolean;
  readonly #persistent: boolean;
  readonly #mandatory: boolean;
  /** Message ids the broker returned as unroutable, until their confirm arrives. */
  readonly #returned = new Set<string>();
  /** Publishes waiting for their confirm; close() waits until none is left. */
  readonly #inFlight = new InFlight();
  #sequence = 0;
  #closeRequested = false;
  readonly #closedWhileDown = rejectable();
  #connection: Amqp091Connection | undefined;
  #published = 0;
  #failed = 0;

  constructor(private readonly context: WriterContext) {
    this.#params = paramsOf(context, AMQP091_PARAMETERS);
    this.#topology = topology(this.#params);
    if (context.consistency === 'EXACTLY_ONCE') {
      context.logger.warn(
        `${context.service}: AMQP 0.9.1 has no EXACTLY_ONCE; publishing AT_LEAST_ONCE (confirms)`,
      );
    }
    this.#confirm = context.consistency !== 'AT_MOST_ONCE';
    this.#persistent = this.#params.persistent ?? this.#confirm;
    this.#mandatory = this.#params.mandatory;
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
    const id = String(++this.#sequence);
    const properties: Options.Publish = {
      persistent: this.#persistent,
      mandatory: this.#mandatory,
      messageId: id,
    };
    if (options.timestampUs !== undefined) {
      properties.timestamp = Math.floor(options.timestampUs / 1_000_000);
    }
    if (options.headers) properties.headers = headersTable(options.headers);
    const content = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.#confirm) {
      this.#inFlight.start();
      try {
        await this.#publishUntilConfirmed(connection, content, properties, id);
      } catch (error) {
        this.#failed++;
        throw error;
      } finally {
        this.#inFlight.end();
      }
    } else {
      // A channel that is up is taken as it is: no promise per message to wait on.
      const channel = connection.current ?? (await this.#channel());
      if (!channel.publish(this.#topology.exchange, this.context.topic, content, properties)) {
        await once(channel, 'drain');
      }
    }
    this.#published++;
  }

  /** The live channel, after a reconnection if one is under way; rejects if the writer closes meanwhile. */
  async #channel(): Promise<Channel> {
    const connection = this.#connection;
    if (!connection) throw new NotOpenError(`${this.context.service}: writer is not open`);
    // Each race leaves a reaction on the writer-long promise until it settles (67 MB over
    // 200,000 publishes in bench/slow-consumer.ts): race only while the connection is down.
    if (connection.ready) return connection.channel();
    try {
      return await Promise.race([connection.channel(), this.#closedWhileDown.promise]);
    } catch (error) {
      throw toSinetError(
        error,
        `${this.context.service}: cannot publish to "${this.context.topic}"`,
      );
    }
  }

  /**
   * A publish the connection took down with it, unconfirmed, is sent again on the next one:
   * the broker may then hold it twice, which AT_LEAST_ONCE allows, but never not at all.
   */
  async #publishUntilConfirmed(
    connection: Amqp091Connection,
    content: Buffer,
    properties: Options.Publish,
    id: string,
  ): Promise<void> {
    for (;;) {
      const channel = (connection.current ?? (await this.#channel())) as ConfirmChannel;
      if ((await this.#publishConfirmed(channel, content, properties, id)) === 'confirmed') return;
      if (this.#closeRequested) {
        throw new ConnectionError(
          `${this.context.service}: publish to "${this.context.topic}": the connection was lost while the writer was closing, before the broker confirmed`,
        );
      }
    }
  }

  #publishConfirmed(
    channel: ConfirmChannel,
    content: Buffer,
    properties: Options.Publish,
    id: string,
  ): Promise<'confirmed' | 'connection lost'> {
    const what = `${this.context.service}: publish to "${this.context.topic}"`;
    return new Promise((resolve, reject) => {
      channel.publish(this.#topology.exchange, this.context.topic, content, properties, (err) => {
        const returned = this.#returned.delete(id);
        if (returned) {
          const route = `exchange "${this.#topology.exchange}", routing key "${this.context.topic}"`;
          reject(new PublishError(`${what}: unroutable (mandatory): no queue bound for ${route}`));
        } else if (err) {
          // amqplib reports only "channel closed"; a server's reason arrives just before.
          setImmediate(() => {
            const serverError = this.#connection?.channelError(channel);
            if (serverError) reject(toSinetError(serverError, `${what} failed`, PublishError));
            else if (/nack/.test(err.message))
              reject(new PublishError(`${what}: nacked by the broker`, { cause: err }));
            else resolve('connection lost');
          });
        } else {
          resolve('confirmed');
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
    if (!connection || this.#closeRequested) return;
    this.#closeRequested = true;
    // Publishes confirm on a live connection; waiting for one that is down could take forever.
    if (!connection.ready) this.#abandonWaiting();
    await this.#inFlight.idle();
    this.#abandonWaiting();
    this.#connection = undefined;
    await connection.close();
  }

  #abandonWaiting(): void {
    this.#closedWhileDown.reject(
      new ConnectionError(
        `${this.context.service}: the writer closed while the connection was down`,
      ),
    );
  }

  metrics(): unknown {
    return { published: this.#published, failed: this.#failed };
  }

  resetMetrics(): void {
    this.#published = 0;
    this.#failed = 0;
  }
}

/** The message's `headers` table: text as long strings, bytes as byte arrays ('x'). */
function headersTable(headers: MessageHeaders): Record<string, string | Buffer> {
  const table: Record<string, string | Buffer> = Object.create(null);
  for (const [name, value] of headers) {
    table[name] =
      typeof value === 'string'
        ? value
        : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return table;
}

/** A promise to race against, rejected on demand (and never reported as unhandled). */
function rejectable(): { promise: Promise<never>; reject: (error: Error) => void } {
  let reject: (error: Error) => void = () => {};
  const promise = new Promise<never>((_, fail) => {
    reject = fail;
  });
  promise.catch(() => {});
  return { promise, reject };
}
