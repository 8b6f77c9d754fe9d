/**
 * An in-process broker: each topic keeps a log of its last `retain` messages, and readers
 * read it through cursors, as Kafka consumers read partitions. A reader holds no messages of
 * its own, so the log is all the memory a topic takes, however far a reader falls behind.
 */
import type { MessageHeaders } from '../../spi/types.js';

export interface MemoryRecord {
  readonly topic: string;
  readonly offset: number;
  readonly bytes: Uint8Array;
  readonly headers: MessageHeaders | undefined;
}

/** Where a reader (or every reader of one group) reads a topic next. */
export interface Cursor {
  offset: number;
}

export class MemoryTopic {
  /** Record `offset` is in slot `offset % retain`, once the ring is full. */
  readonly #ring: MemoryRecord[] = [];
  #firstOffset = 0;
  #endOffset = 0;
  /** Readers waiting for a message, woken by each append. */
  readonly #listeners = new Set<() => void>();
  /** The readers of a group share a cursor: each message goes to whichever asks first. */
  readonly #groupCursors = new Map<string, Cursor>();

  constructor(
    readonly name: string,
    readonly retain: number,
  ) {}

  get firstOffset(): number {
    return this.#firstOffset;
  }

  get endOffset(): number {
    return this.#endOffset;
  }

  append(bytes: Uint8Array, headers: MessageHeaders | undefined): void {
    const offset = this.#endOffset++;
    const record: MemoryRecord = { topic: this.name, offset, bytes, headers };
    if (this.#ring.length < this.retain) this.#ring.push(record);
    else this.#ring[offset % this.retain] = record;
    if (this.#endOffset - this.#firstOffset > this.retain) this.#firstOffset++;
    for (const wake of this.#listeners) wake();
  }

  /** The record at `offset`, if the log still has it. */
  at(offset: number): MemoryRecord | undefined {
    if (offset < this.#firstOffset || offset >= this.#endOffset) return undefined;
    return this.#ring[offset % this.retain];
  }

  /** A new reader's cursor, at the end of the log; a group's, where the group is. */
  cursor(group: string | undefined): Cursor {
    if (group === undefined) return { offset: this.#endOffset };
    let cursor = this.#groupCursors.get(group);
    if (!cursor) {
      cursor = { offset: this.#endOffset };
      this.#groupCursors.set(group, cursor);
    }
    return cursor;
  }

  listen(wake: () => void): void {
    this.#listeners.add(wake);
  }

  unlisten(wake: () => void): void {
    this.#listeners.delete(wake);
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
