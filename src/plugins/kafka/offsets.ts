/**
 * The last offset seen per topic and partition. Kept by topic, then partition number: a
 * `topic:partition` key made and hashed per message, and a bigint one past the offset, cost
 * ten times the lookups.
 */
export class LastOffsets {
  readonly #byTopic = new Map<string, Map<number, bigint>>();

  get empty(): boolean {
    return this.#byTopic.size === 0;
  }

  /** Records `offset` if it is past its partition's last one; false if it is not. */
  advance(topic: string, partition: number, offset: bigint): boolean {
    let partitions = this.#byTopic.get(topic);
    if (!partitions) {
      partitions = new Map();
      this.#byTopic.set(topic, partitions);
    }
    const last = partitions.get(partition);
    if (last !== undefined && offset <= last) return false;
    partitions.set(partition, offset);
    return true;
  }

  *entries(): Generator<[topic: string, partition: number, last: bigint]> {
    for (const [topic, partitions] of this.#byTopic)
      for (const [partition, last] of partitions) yield [topic, partition, last];
  }

  clear(): void {
    this.#byTopic.clear();
  }
}
