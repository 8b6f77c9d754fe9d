import type { Consumer } from '@platformatic/kafka';
import type { Logger } from '../../spi/types.js';
import { LastOffsets } from './offsets.js';

/**
 * Commits consumed positions of a consumer group every `intervalMs` and on close, like
 * kafka-python's auto commit, but only for the messages it was told about: the reader marks
 * a message when the consistency level says it counts as consumed.
 */
export class Commits {
  /** Per topic and partition, the offset of the last message consumed, not yet committed. */
  readonly #pending = new LastOffsets();
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
    this.#pending.advance(topic, partition, offset);
  }

  flush(): Promise<void> {
    const consumer = this.#consumer();
    // Without a consumer (reconnecting) the positions wait for the next flush.
    if (this.#pending.empty || !consumer) return this.#inflight;
    const offsets = [...this.#pending.entries()].map(([topic, partition, last]) => ({
      topic,
      partition,
      offset: last + 1n,
      leaderEpoch: -1,
    }));
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
