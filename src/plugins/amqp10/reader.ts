import type { EventContext, Receiver } from 'rhea';
import { ConnectionError, InvalidMessageError } from '../../errors.js';
import { headersFromTable } from '../../spi/headers.js';
import { MessageQueue } from '../../spi/message-queue.js';
import { paramsOf } from '../../spi/parameters.js';
import type { CallOptions, PluginReader, ReaderContext, ReceivedMessage } from '../../spi/types.js';
import { bytesOf } from './body.js';
import {
  attached,
  detached,
  type OpenedConnection,
  openConnection,
  toSinetError,
} from './connection.js';
import { AMQP10_PARAMETERS, type Amqp10Params } from './parameters.js';
import { addressing, topicOf } from './terminus.js';

/**
 * One receiver link per topic. AT_MOST_ONCE asks the broker to send pre-settled;
 * AT_LEAST_ONCE accepts a delivery when core settles it, after the user has had it.
 * `durable: true` makes a durable subscription: the broker keeps it, under the container id
 * and the link name (`subscription_name`, default the topic), while the reader is away.
 * rhea re-attaches the links after a reconnect; deliveries not accepted before the connection
 * went are the broker's again (it delivers them again, from a queue or durable subscription).
 * A link's credit (what the broker may still send on it) is `prefetch` at each attach and is
 * renewed as the user takes messages, not as they arrive (rhea's `credit_window` would), so
 * at most `prefetch` messages per topic wait here for a slow user.
 */
export class Amqp10Reader implements PluginReader {
  readonly #params: Amqp10Params;
  readonly #ack: boolean;
  readonly #durable: boolean;
  readonly #queue = new MessageQueue();
  readonly #receivers: Receiver[] = [];
  /** The link each queued message came on, whose credit its taking renews. */
  readonly #linkOf = new WeakMap<ReceivedMessage, Receiver>();
  /** Per link, messages taken since its credit was last renewed. */
  readonly #takenOn = new Map<Receiver, number>();
  /** Credit is renewed in steps of a quarter window, as rhea does, not a flow per message. */
  #creditStep = 1;
  #opened: OpenedConnection | undefined;
  #prefix = '';
  /** Counts lost connections: a delivery belongs to the one it came on. */
  #connections = 0;
  #received = 0;

  constructor(private readonly context: ReaderContext) {
    this.#params = paramsOf(context, AMQP10_PARAMETERS);
    this.#ack = context.consistency !== 'AT_MOST_ONCE';
    this.#durable = this.#params.durable;
  }

  async open(options: CallOptions = {}): Promise<void> {
    const opened = await openConnection(this.context, this.#params, options.signal);
    const { connection } = opened;
    const { prefix, capabilities } = addressing(this.#params);
    this.#prefix = prefix;
    const prefetch = this.#params.prefetch ?? this.context.maxUnackedMessages;
    this.#creditStep = Math.max(1, Math.floor(prefetch / 4));
    const subscription = this.#params.subscription_name;
    for (const topic of this.context.topics) {
      const receiver = connection.open_receiver({
        name: subscription ? `${subscription}-${topic}` : topic,
        source: {
          address: prefix + topic,
          capabilities,
          ...(this.#durable ? { durable: 2, expiry_policy: 'never' } : {}),
        },
        autoaccept: false,
        credit_window: 0,
        snd_settle_mode: this.#ack ? 0 : 1,
      });
      receiver.on('message', (ctx: EventContext) => this.#deliver(topic, ctx));
      // Each attach, re-attaches after a reconnect included, starts the link with no credit.
      receiver.on('receiver_open', () => receiver.add_credit(prefetch));
      const linkDown = (ctx: EventContext) =>
        this.#queue.fail(
          toSinetError(ctx.receiver?.error, `${this.context.service}: receiving from "${topic}"`),
        );
      receiver.on('receiver_error', linkDown);
      this.#receivers.push(receiver);
    }
    this.#opened = opened;
    // Attached links only: a topic subscription misses what is sent before it exists.
    try {
      await Promise.all(this.#receivers.map((r) => attached(r, 'receiver', this.context.service)));
    } catch (error) {
      await this.close();
      throw error;
    }
    connection.on('disconnected', (ctx: EventContext) => {
      this.#connections++;
      if (opened.reconnecting()) return;
      const reason = `${this.context.service}: connection lost`;
      this.#queue.fail(new ConnectionError(reason, { cause: detached(ctx.error) }));
    });
  }

  #deliver(topic: string, ctx: EventContext): void {
    const { message, delivery } = ctx;
    if (!message || !delivery) return;
    const bytes = bytesOf(message);
    if (!bytes) {
      // Not ours to interpret: give it back to the broker as undeliverable here.
      delivery.reject({ condition: 'amqp:decode-error', description: 'no binary or text body' });
      this.#queue.fail(
        new InvalidMessageError(
          `${this.context.service}: a message on "${topic}" has no binary body`,
        ),
      );
      return;
    }
    this.#received++;
    const connection = this.#connections;
    const received: ReceivedMessage = {
      bytes,
      topic: topicOf(message, this.#prefix, topic),
      raw: message,
      headers: headersFromTable(message.application_properties),
      // Once its connection is gone the broker has taken the delivery back, and its id
      // means nothing (or another delivery) on the next connection: nothing to accept.
      settle: this.#ack
        ? () => {
            if (connection === this.#connections && delivery.link.is_open()) delivery.accept();
          }
        : undefined,
    };
    // Settled here even when the broker sent it settled: rhea frees a delivery's slot in the
    // session's incoming window (2048) only once both ends settled it, and with the window
    // full the broker sends nothing more (an AT_MOST_ONCE reader stalled after 2048).
    if (!this.#ack) delivery.accept();
    // One link needs no record of which link a message came on (a WeakMap entry per message
    // is old-space work for the collector).
    if (ctx.receiver && this.#receivers.length > 1) this.#linkOf.set(received, ctx.receiver);
    this.#queue.push(received);
  }

  receive(options?: CallOptions): Promise<ReceivedMessage | undefined> {
    return this.#queue.receive(options).then(this.#taken);
  }

  /** A message the user takes: its link gets the credit back, a quarter window at a time. */
  readonly #taken = (message: ReceivedMessage | undefined): ReceivedMessage | undefined => {
    const link =
      message && (this.#receivers.length > 1 ? this.#linkOf.get(message) : this.#receivers[0]);
    if (link) {
      const taken = (this.#takenOn.get(link) ?? 0) + 1;
      if (taken < this.#creditStep) this.#takenOn.set(link, taken);
      else {
        this.#takenOn.set(link, 0);
        if (link.is_open()) link.add_credit(taken);
      }
    }
    return message;
  };

  async close(): Promise<void> {
    this.#queue.close();
    const opened = this.#opened;
    this.#opened = undefined;
    if (!opened) return;
    // Detaching (not closing) a durable subscription's link keeps it for the next reader.
    for (const receiver of this.#receivers.splice(0)) {
      if (this.#durable) receiver.detach();
      else receiver.close();
    }
    await opened.close();
  }

  metrics(): unknown {
    return { received: this.#received, buffered: this.#queue.size };
  }

  resetMetrics(): void {
    this.#received = 0;
  }
}
