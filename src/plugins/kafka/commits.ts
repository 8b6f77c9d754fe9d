import type { Consumer } from '@platformatic/kafka';
import type { Logger } from '../../spi/types.js';

interface Position {
  topic: string;
  partition: number;
  offset: bigint;
}

/**
 * Commits consumed positions of a consumer group every `intervalMs` and on close, like
 * kafka-python's auto commit, but only for the messages it was told about: the reader marks
 * a message when the consistency level says it counts as consumed.
 */
export class Commits {
  readonly #pending = new Map<string, Position>();
  /** The reader's consumer of the moment: it replaces it after losing the cluster. */
  readonly #consumer: () => Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
  readonly #logger: Logger;
  readonly #timer: NodeJS.Timeout;
  #inflight: Promise<void> = Promise.resolve();

  constructor(
    consumer: () => Consumer<Buffer, Buffer, Buffer, Buffer> | undefined,
    intervalMs: number,
    logger: Logger,
  ) {
    this.#consumer = consumer;
    this.#logger = logger;
    this.#timer = setInterval(() => void this.flush(), intervalMs);
    // Committing must not keep a process alive that is otherwise done.
    this.#timer.unref();
  }

  /** Records that the message at `offset` was consumed: the group resumes after it. */
  mark(topic: string, partition: number, offset: bigint): void {
    const key = `${topic}:${partition}`;
    const next = offset + 1n;
    const known = this.#pending.get(key);
    if (!known || known.offset < next) this.#pending.set(key, { topic, partition, offset: next });
  }

  flush(): Promise<void> {
    const consumer = this.#consumer();
    // Without a consumer (reconnecting) the positions wait for the next flush.
    if (this.#pending.size === 0 || !consumer) return this.#inflight;
    const offsets = [...this.#pending.values()].map((p) => ({ ...p, leaderEpoch: -1 }));
    this.#pending.clear();
    this.#inflight = this.#inflight
      .then(() => consumer.commit({ offsets }))
      .catch((error) => {
        // A commit refused during a rebalance is normal; the next owner re-reads from the
        // last committed position, which is what at-least-once allows.
        this.#logger.debug?.(`kafka commit failed: ${String(error)}`);
      });
    return this.#inflight;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
