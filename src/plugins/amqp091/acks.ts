import type { Channel, Message } from 'amqplib';

/**
 * The acknowledgements of one channel's deliveries, sent together: what the user settled
 * while the current run of callbacks and promise reactions went on leaves in one basic.ack
 * with `multiple` (every delivery up to that one), instead of a frame and a socket write per
 * message. A delivery is acknowledged only once settled: `multiple` is used only up to a
 * delivery when every earlier one is settled too; one settled after another the user still
 * holds is acknowledged alone.
 */
export class ChannelAcks {
  /** Deliveries not yet acknowledged, in the order the broker sent them. */
  #unacked: Message[] = [];
  /** Where #unacked starts: taking from the front moves this instead of shifting. */
  #head = 0;
  readonly #settled = new Set<Message>();
  #scheduled = false;

  /** `onError`: an ack amqplib refused for another reason than a closing channel. */
  constructor(
    private readonly channel: Channel,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Called with each delivery as it arrives. */
  delivered(message: Message): void {
    this.#unacked.push(message);
  }

  /** The user is done with `message`: it is acknowledged before the event loop goes on. */
  settle(message: Message): void {
    this.#settled.add(message);
    if (this.#scheduled) return;
    this.#scheduled = true;
    process.nextTick(() => this.flush());
  }

  /** Sends what is settled now; close() calls it before the channel goes. */
  flush(): void {
    this.#scheduled = false;
    if (this.#settled.size === 0) return;
    const unacked = this.#unacked;
    let upTo: Message | undefined;
    while (this.#head < unacked.length && this.#settled.delete(unacked[this.#head]!)) {
      upTo = unacked[this.#head++];
    }
    if (this.#head === unacked.length) {
      this.#unacked = [];
      this.#head = 0;
    } else if (this.#head > 1024) {
      this.#unacked = unacked.slice(this.#head);
      this.#head = 0;
    }
    if (upTo) this.#ack(upTo, true);
    for (const message of this.#settled) {
      const at = this.#unacked.indexOf(message, this.#head);
      if (at >= 0) this.#unacked.splice(at, 1);
      this.#ack(message, false);
    }
    this.#settled.clear();
  }

  /**
   * amqplib may know the channel is closing before the reader does, and refuse the ack: the
   * broker has the message back then.
   */
  #ack(message: Message, multiple: boolean): void {
    try {
      this.channel.ack(message, multiple);
    } catch (error) {
      if ((error as Error).name !== 'IllegalOperationError') this.onError(error);
    }
  }
}
