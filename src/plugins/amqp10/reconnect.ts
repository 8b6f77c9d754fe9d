import type { Connection, EventContext } from 'rhea';
import { type BackoffSettings, backoffDelay } from '../../spi/backoff.js';

/**
 * rhea's default `non_fatal_errors`: a broker closing the connection with this condition
 * (an operator's forced close) is reconnected to; with any other, it is not.
 */
const NON_FATAL = 'amqp:connection:forced';

/** Whether a connection error is the broker's forced close, after which rhea may reconnect. */
export function isForcedClose(error: unknown): boolean {
  return (error as { condition?: string } | undefined)?.condition === NON_FATAL;
}

/**
 * Brings a lost connection back after a backoff, through rhea's public `reconnect()`. rhea
 * can do this itself (its `reconnect` option), but a reconnect it has scheduled cannot be
 * called off: neither `set_reconnect(false)` nor `close()` stops its timer, which then
 * connects again (https://github.com/amqp/rhea/issues/356). So rhea gets `reconnect: false`
 * and the timer is ours.
 */
export class Reconnector {
  #timer: NodeJS.Timeout | undefined;
  /**
   * Failed attempts since a broker last opened AMQP. rhea's own backoff starts over whenever
   * TCP connects, so a port that accepts and then drops (a load balancer before a dead
   * broker, a broker still starting) would be tried every initial delay forever.
   */
  #failed = 0;
  /** The broker turned the connection down for good (SASL refusal, fatal close). */
  #refused = false;
  #stopped = false;

  constructor(
    private readonly connection: Connection,
    private readonly settings: BackoffSettings | undefined,
  ) {
    connection.on('connection_open', () => {
      this.#failed = 0;
    });
    connection.on('connection_error', (ctx: EventContext) => {
      if (!isForcedClose(ctx.error)) this.#refused = true;
    });
    connection.on('disconnected', () => this.#schedule());
  }

  /** Whether an attempt is due: in a 'disconnected' listener, whether one follows the loss. */
  get pending(): boolean {
    return this.#timer !== undefined;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (!this.settings || this.#stopped || this.#refused || this.#timer) return;
    const delay = backoffDelay(this.settings, this.#failed++);
    this.#timer = setTimeout(() => this.#attempt(), delay);
  }

  /** Tries the next broker of the list now, whatever the settings (opening walks it once). */
  attemptNow(): void {
    this.#attempt();
  }

  #attempt(): void {
    this.#timer = undefined;
    // After a forced close or an idle timeout rhea has closed its side too: reopened, the new
    // socket carries an AMQP open again.
    if (this.connection.is_closed()) this.connection.open();
    this.connection.reconnect();
  }
}
