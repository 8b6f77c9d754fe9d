import type { Delivery, EventContext, Sender } from 'rhea';
import { ConnectionError, NotOpenError, PublishError, type SinetError } from '../../errors.js';
import { InFlight } from '../../spi/in-flight.js';
import { paramsOf } from '../../spi/parameters.js';
import type { CallOptions, PluginWriter, PublishOptions, WriterContext } from '../../spi/types.js';
import { toMessage } from './body.js';
import {
  attached,
  describe,
  detached,
  type OpenedConnection,
  openConnection,
  toSinetError,
} from './connection.js';
import { AMQP10_PARAMETERS, type Amqp10Params } from './parameters.js';
import { addressing } from './terminus.js';

/** What became of a delivery: accepted, or to send again on the next connection. */
type Outcome = 'accepted' | 'resend';

interface Pending {
  resolve(outcome: Outcome): void;
  reject(error: Error): void;
}

/**
 * One sender link to the topic's address. AT_MOST_ONCE sends pre-settled; otherwise
 * publish resolves when the broker accepts the delivery and rejects when it rejects,
 * releases or modifies it, or when the link goes down. When the connection goes and comes
 * back, what the broker had not settled is sent again once the link is back (so it may
 * arrive twice, never zero times); without reconnect, or when closed meanwhile, it rejects
 * with ConnectionError.
 */
export class Amqp10Writer implements PluginWriter {
  readonly #params: Amqp10Params;
  readonly #settled: boolean;
  readonly #pending = new Map<Delivery, Pending>();
  /** Publishes waiting for their outcome; close() waits until none is left. */
  readonly #inFlight = new InFlight();
  /** Publishers waiting for link credit. */
  readonly #waiting = new Set<() => void>();
  #opened: OpenedConnection | undefined;
  #address = '';
  #sender: Sender | undefined;
  #linkError: SinetError | undefined;
  /**
   * Between a lost connection and the link's re-attach. rhea keeps the old link credit
   * meanwhile, but what is sent then goes with the dead session: wait instead.
   */
  #down = false;
  #closing = false;
  #published = 0;
  #failed = 0;

  constructor(private readonly context: WriterContext) {
    this.#params = paramsOf(context, AMQP10_PARAMETERS);
    this.#settled = context.consistency === 'AT_MOST_ONCE';
  }

  async open(options: CallOptions = {}): Promise<void> {
    const opened = await openConnection(this.context, this.#params, options.signal);
    const { connection } = opened;
    const { prefix, capabilities } = addressing(this.#params);
    this.#address = prefix + this.context.topic;
    const sender = connection.open_sender({
      target: { address: this.#address, capabilities },
      snd_settle_mode: this.#settled ? 1 : 0,
      autosettle: true,
    });
    const what = `${this.context.service}: sending to "${this.context.topic}"`;
    sender.on('accepted', (ctx: EventContext) => this.#settle(ctx.delivery, undefined));
    sender.on('sender_open', () => {
      this.#down = false;
      this.#wake();
    });
    for (const outcome of ['rejected', 'released', 'modified'] as const) {
      sender.on(outcome, (ctx: EventContext) => {
        const reason = describe((ctx.delivery?.remote_state as { error?: unknown })?.error);
        this.#settle(
          ctx.delivery,
          new PublishError(`${what}: ${outcome} by the broker (${reason})`),
        );
      });
    }
    sender.on('sendable', () => this.#wake());
    const linkDown = (ctx: EventContext) => {
      this.#linkError = toSinetError(ctx.sender?.error, what, PublishError);
      this.#failAll(this.#linkError);
    };
    sender.on('sender_error', linkDown);
    sender.on('sender_close', linkDown);
    connection.on('disconnected', (ctx: EventContext) => {
      this.#down = true;
      if (opened.reconnecting() && !this.#closing) {
        for (const pending of this.#pending.values()) pending.resolve('resend');
        this.#pending.clear();
        return;
      }
      const lost = `${what}: connection lost before the broker had the message`;
      this.#linkError ??= new ConnectionError(lost, { cause: detached(ctx.error) });
      this.#failAll(this.#linkError);
    });
    this.#opened = opened;
    this.#sender = sender;
    try {
      await attached(sender, 'sender', this.context.service);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async publish(bytes: Uint8Array, options: PublishOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    const sender = this.#sender;
    if (!sender) throw new NotOpenError(`${this.context.service}: writer is not open`);
    const message = toMessage(
      bytes,
      this.#address,
      !this.#settled,
      options.timestampUs,
      options.headers,
    );
    try {
      let outcome: Outcome = 'resend';
      while (outcome === 'resend') {
        // With credit and the link up, no promise to wait on.
        if (this.#down || !sender.sendable() || this.#linkError) {
          await this.#credit(sender, options.signal);
        }
        const delivery = sender.send(message);
        if (this.#settled) break;
        // Counted while the broker's answer is awaited: close() waits for those.
        this.#inFlight.start();
        try {
          outcome = await new Promise<Outcome>((resolve, reject) =>
            this.#pending.set(delivery, { resolve, reject }),
          );
        } finally {
          this.#inFlight.end();
        }
      }
      this.#published++;
    } catch (error) {
      this.#failed++;
      throw error;
    }
  }

  async #credit(sender: Sender, signal?: AbortSignal): Promise<void> {
    while (this.#down || !sender.sendable()) {
      if (this.#linkError) throw this.#linkError;
      if (!this.#sender) throw new NotOpenError(`${this.context.service}: writer closed`);
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiting.delete(wake);
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        this.#waiting.add(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    }
    if (this.#linkError) throw this.#linkError;
  }

  #wake(): void {
    for (const wake of [...this.#waiting]) wake();
  }

  #settle(delivery: Delivery | undefined, error: Error | undefined): void {
    const pending = delivery && this.#pending.get(delivery);
    if (!pending || !delivery) return;
    this.#pending.delete(delivery);
    if (error) pending.reject(error);
    else pending.resolve('accepted');
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    this.#wake();
  }

  async close(): Promise<void> {
    const opened = this.#opened;
    if (!opened) return;
    this.#opened = undefined;
    this.#closing = true;
    if (this.#down) {
      // Not waiting for a broker that may never come back.
      const what = `${this.context.service}: sending to "${this.context.topic}"`;
      this.#linkError ??= new ConnectionError(`${what}: closed while reconnecting`);
      this.#failAll(this.#linkError);
    }
    // Flush: wait for the outcomes of what is in flight.
    await this.#inFlight.idle();
    this.#sender = undefined;
    this.#wake();
    await opened.close();
  }

  metrics(): unknown {
    return { published: this.#published, failed: this.#failed };
  }

  resetMetrics(): void {
    this.#published = 0;
    this.#failed = 0;
  }
}
