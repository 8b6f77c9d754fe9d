import type { CallOptions, ReceivedMessage } from './types.js';

interface Waiter {
  resolve(message: ReceivedMessage | undefined): void;
  reject(error: unknown): void;
  signal: AbortSignal | undefined;
}

/** Back-pressure: above `highWaterMark` queued messages `onHigh` is called, and `onLow` when the queue has drained. */
export interface MessageQueueOptions {
  /** Above this many buffered messages `onHigh` is called so the plugin can pause its source. */
  highWaterMark?: number;
  /** The queue reached `highWaterMark`: stop taking from the broker. */
  onHigh?(): void;
  /** Called when the buffer has drained to half the high-water mark after `onHigh`. */
  onLow?(): void;
}

/**
 * Turns a push-style client (events, callbacks) into the pull-style `receive` a
 * PluginReader offers, with close and abort semantics that follow the SPI rules.
 */
export class MessageQueue {
  readonly #buffer: ReceivedMessage[] = [];
  readonly #waiters: Waiter[] = [];
  readonly #options: MessageQueueOptions;
  #failure: unknown;
  #closed = false;
  #paused = false;
  /**
   * The signals listened to. A reader passes the same signal to receive after receive: one
   * listener on each serves all its waits (adding and removing one per wait cost more than the
   * rest of the wait).
   */
  readonly #listened = new WeakSet<AbortSignal>();

  constructor(options: MessageQueueOptions = {}) {
    this.#options = options;
  }

  get size(): number {
    return this.#buffer.length;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** How many receives wait for a message (a pull-style reader hands them one each). */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Queues a message from the client, or hands it to a pending `receive`. */
  push(message: ReceivedMessage): void {
    if (this.#closed) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter.resolve(message);
      return;
    }
    this.#buffer.push(message);
    const high = this.#options.highWaterMark;
    if (high !== undefined && !this.#paused && this.#buffer.length >= high) {
      this.#paused = true;
      this.#options.onHigh?.();
    }
  }

  /** Fails the next `receive` calls with `error` (after buffered messages are taken). */
  fail(error: unknown): void {
    if (this.#closed) return;
    this.#failure = error;
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }

  /** Drops the buffered messages (after a seek); waiting receivers keep waiting. */
  clear(): void {
    this.#buffer.length = 0;
    this.#maybeResume();
  }

  /** Ends the queue: pending and later `receive` calls resolve `undefined`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#buffer.length = 0;
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(undefined);
  }

  /** The next message, waiting if none is queued; `undefined` once closed. */
  receive(options: CallOptions = {}): Promise<ReceivedMessage | undefined> {
    const message = this.#buffer.shift();
    if (message) {
      this.#maybeResume();
      return Promise.resolve(message);
    }
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.resolve(undefined);
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (signal && !this.#listened.has(signal)) {
      this.#listened.add(signal);
      signal.addEventListener('abort', () => this.#abortWaiters(signal), { once: true });
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject, signal });
    });
  }

  /** Rejects the receives waiting with `signal`, with its reason. */
  #abortWaiters(signal: AbortSignal): void {
    const waiting = this.#waiters.splice(0);
    for (const waiter of waiting) {
      if (waiter.signal === signal) waiter.reject(signal.reason);
      else this.#waiters.push(waiter);
    }
  }

  #maybeResume(): void {
    const high = this.#options.highWaterMark;
    if (this.#paused && high !== undefined && this.#buffer.length <= Math.floor(high / 2)) {
      this.#paused = false;
      this.#options.onLow?.();
    }
  }
}
