/**
 * What a side's reader got, and the timed runs over it: throughput slices (publishes in
 * flight until the reader has them all) and sequential round trips for latency, with the
 * send time stamped in the payload.
 */
import { timedSlice } from '../slice.js';

/** Sends one payload; resolves when the writer is done with it (acknowledged, if asked). */
export type Send = (payload: Uint8Array) => Promise<void>;

/** How long a slice waits for a message more before counting the rest as lost. */
const IDLE_MS = 500;

/**
 * Messages sent and not yet received, at most, on every side. Without a bound an
 * AT_MOST_ONCE writer, whose publishes resolve once written, outruns any reader in the same
 * process, and a slice measures how much the broker drops rather than how fast messages go
 * through. Mosquitto drops messages for a subscriber that lags, at QoS 1 too, from about
 * 1,000 (`max_queued_messages`) on this machine: 500 leaves room.
 */
export const END_TO_END_CAP = 500;

/** Counts the messages a reader hands over and, when asked, their latency. */
export class Inbox {
  received = 0;
  /** Milliseconds from send to receive, while a latency run records them. */
  latencies: number[] | undefined;
  #last = 0;
  #target = Infinity;
  #reached: (() => void) | undefined;
  /** Senders held back by END_TO_END_CAP, each waiting for a count of received messages. */
  readonly #gates: { count: number; open: () => void }[] = [];
  #idleTimer: NodeJS.Timeout | undefined;

  /** Called by the side's reader with the payload of each message (stamp first). */
  readonly take = (payload: Uint8Array): void => {
    this.received++;
    this.#last = performance.now();
    if (this.latencies) this.latencies.push(this.#last - readStamp(payload));
    if (this.received >= this.#target) {
      this.#target = Infinity;
      this.#reached?.();
    }
    if (this.#gates.length > 0) this.#openGates();
  };

  /** Resolves once `count` messages came in all, or after IDLE_MS without one (some lost). */
  atLeast(count: number): Promise<void> {
    if (this.received >= count) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#gates.push({ count, open: resolve });
    this.#idleTimer ??= setTimeout(this.#checkIdle, IDLE_MS).unref();
    return promise;
  }

  /** One timer for all gates: with nothing received for IDLE_MS, the rest are lost. */
  readonly #checkIdle = (): void => {
    this.#idleTimer = undefined;
    if (this.#gates.length === 0) return;
    const quiet = performance.now() - this.#last;
    if (quiet >= IDLE_MS) {
      for (const gate of this.#gates.splice(0)) gate.open();
      return;
    }
    this.#idleTimer = setTimeout(this.#checkIdle, IDLE_MS - quiet).unref();
  };

  /** Gates open in the order they were made: each waits for more messages than the last. */
  #openGates(): void {
    while (this.#gates.length > 0 && this.received >= this.#gates[0]!.count) {
      this.#gates.shift()!.open();
    }
  }

  /** When the latest message came (performance.now). */
  get lastAt(): number {
    return this.#last;
  }

  /** The time of the last message once `target` came, or undefined after IDLE_MS without one. */
  async until(target: number): Promise<number | undefined> {
    if (this.received >= target) return this.#last;
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#target = target;
    this.#reached = resolve;
    for (;;) {
      const seen = this.received;
      const idle = new Promise<'idle'>((r) => setTimeout(() => r('idle'), IDLE_MS).unref());
      if ((await Promise.race([promise, idle])) !== 'idle') return this.#last;
      if (this.received === seen) {
        this.#target = Infinity;
        return undefined;
      }
    }
  }
}

/** Writes the current time (ms, performance.now) into the first 8 bytes. */
export function stamp(payload: Uint8Array): void {
  new DataView(payload.buffer, payload.byteOffset, 8).setFloat64(0, performance.now(), true);
}

function readStamp(payload: Uint8Array): number {
  return new DataView(payload.buffer, payload.byteOffset, 8).getFloat64(0, true);
}

export interface Throughput {
  messages: number;
  seconds: number;
  /** Sent but not received within IDLE_MS of the last arrival (AT_MOST_ONCE may drop). */
  lost: number;
  /** CPU time (user + system) of this process per message, µs. */
  cpuUsPerMessage: number;
}

/**
 * One slice: `window` publishes in flight, and at most END_TO_END_CAP messages not yet
 * received, for about `ms`, timed from the first send until the reader has every message sent.
 */
export async function throughputSlice(
  send: Send,
  inbox: Inbox,
  payload: Uint8Array,
  window: number,
  ms: number,
  max: number,
): Promise<Throughput> {
  const before = inbox.received;
  const cpu = process.cpuUsage();
  const start = performance.now();
  let started = 0;
  const capped = () => {
    const limit = before + ++started - END_TO_END_CAP;
    return inbox.received >= limit ? send(payload) : inbox.atLeast(limit).then(() => send(payload));
  };
  const { sent } = await timedSlice(capped, window, ms, max);
  const last = await inbox.until(before + sent);
  const got = inbox.received - before;
  const used = process.cpuUsage(cpu);
  // With messages lost, the slice ends at the last one that came, not after the idle wait.
  const end = last ?? (got > 0 ? inbox.lastAt : performance.now());
  return {
    messages: got,
    seconds: (end - start) / 1000,
    lost: Math.max(0, sent - got),
    cpuUsPerMessage: (used.user + used.system) / Math.max(1, got),
  };
}

/** `count` round trips, one at a time: milliseconds from send to receive of each. */
export async function latencyRun(
  send: Send,
  inbox: Inbox,
  payload: Uint8Array,
  count: number,
): Promise<number[]> {
  const latencies: number[] = [];
  inbox.latencies = latencies;
  try {
    for (let i = 0; i < count; i++) {
      stamp(payload);
      const target = inbox.received + 1;
      await send(payload);
      if ((await inbox.until(target)) === undefined) break;
    }
  } finally {
    inbox.latencies = undefined;
  }
  return latencies;
}

/** The p-th percentile (0..100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}
