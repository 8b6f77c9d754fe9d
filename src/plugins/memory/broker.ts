/**
 * An in-process broker: topics keep a bounded log (so readers can seek to the beginning) and
 * deliver each new message to every subscriber, or to one member per consumer group.
 */
import type { MessageHeaders } from '../../spi/types.js';

export interface MemoryRecord {
  readonly topic: string;
  readonly offset: number;
  readonly bytes: Uint8Array;
  readonly headers: MessageHeaders | undefined;
}

export interface MemorySubscriber {
  readonly group: string | undefined;
  deliver(record: MemoryRecord): void;
}

class MemoryTopic {
  readonly log: MemoryRecord[] = [];
  firstOffset = 0;
  readonly subscribers = new Set<MemorySubscriber>();
  readonly #nextInGroup = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly retain: number,
  ) {}

  get endOffset(): number {
    return this.firstOffset + this.log.length;
  }

  append(bytes: Uint8Array, headers: MessageHeaders | undefined): void {
    const record: MemoryRecord = { topic: this.name, offset: this.endOffset, bytes, headers };
    this.log.push(record);
    if (this.log.length > this.retain) {
      this.log.shift();
      this.firstOffset++;
    }
    const groups = new Map<string, MemorySubscriber[]>();
    for (const subscriber of this.subscribers) {
      if (subscriber.group === undefined) subscriber.deliver(record);
      else groups.set(subscriber.group, [...(groups.get(subscriber.group) ?? []), subscriber]);
    }
    for (const [group, members] of groups) {
      const next = this.#nextInGroup.get(group) ?? 0;
      members[next % members.length]!.deliver(record);
      this.#nextInGroup.set(group, next + 1);
    }
  }

  from(offset: number): MemoryRecord[] {
    return this.log.slice(Math.max(0, offset - this.firstOffset));
  }
}

export class MemoryBroker {
  readonly #topics = new Map<string, MemoryTopic>();

  constructor(readonly retain: number) {}

  topic(name: string): MemoryTopic {
    let topic = this.#topics.get(name);
    if (!topic) {
      topic = new MemoryTopic(name, this.retain);
      this.#topics.set(name, topic);
    }
    return topic;
  }
}

const brokers = new Map<string, MemoryBroker>();

/** The broker named by the service's first `brokers` entry; one process-wide broker per name. */
export function memoryBroker(name: string, retain: number): MemoryBroker {
  let broker = brokers.get(name);
  if (!broker) {
    broker = new MemoryBroker(retain);
    brokers.set(name, broker);
  }
  return broker;
}
