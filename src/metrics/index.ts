/**
 * The upstream Metrics, measured where bytes cross the plugin boundary: after the envelope on
 * write, before it on read. Rates are per second of the time between the reset (or open) and
 * the last message or error; they are 0 when that time is 0.
 */
export interface Metrics {
  readonly startTime: number;
  readonly startTimeMs: number;
  readonly endTime: number;
  readonly endTimeMs: number;
  readonly time: number;
  readonly timeMs: number;
  readonly msgCountTotal: number;
  readonly msgCountRate: number;
  readonly msgBytesTotal: number;
  readonly msgBytesRate: number;
  /** undefined until a message has passed. */
  readonly msgSizeMin: number | undefined;
  readonly msgSizeAvg: number;
  readonly msgSizeMax: number | undefined;
  readonly msgUncompressedBytesTotal: number;
  readonly msgCompressedBytesTotal: number;
  /** compressed / uncompressed; 1 when nothing passed. */
  readonly msgCompressionRatio: number;
  readonly errorCountTotal: number;
  readonly errorCountRate: number;
  /** The plugin's own metrics, if it has any. */
  readonly raw: unknown;
}

/** Counts messages and errors; `snapshot` computes the derived figures. */
export class MetricsRecorder {
  #start = 0;
  #end = 0;
  #count = 0;
  #bytes = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = -1;
  #uncompressed = 0;
  #compressed = 0;
  #errors = 0;

  constructor(private readonly now: () => number = Date.now) {
    this.reset();
  }

  reset(): void {
    this.#start = this.now();
    this.#end = this.#start;
    this.#count = 0;
    this.#bytes = 0;
    this.#min = Number.POSITIVE_INFINITY;
    this.#max = -1;
    this.#uncompressed = 0;
    this.#compressed = 0;
    this.#errors = 0;
  }

  recordMessage(length: number, compressedLength: number, uncompressedLength: number): void {
    this.#end = this.now();
    this.#count++;
    this.#bytes += length;
    if (length < this.#min) this.#min = length;
    if (length > this.#max) this.#max = length;
    this.#compressed += compressedLength;
    this.#uncompressed += uncompressedLength;
  }

  recordError(): void {
    this.#end = this.now();
    this.#errors++;
  }

  snapshot(raw: unknown): Metrics {
    const timeMs = this.#end - this.#start;
    const time = timeMs / 1000;
    const perSecond = (total: number) => (time === 0 ? 0 : total / time);
    return {
      startTime: this.#start / 1000,
      startTimeMs: this.#start,
      endTime: this.#end / 1000,
      endTimeMs: this.#end,
      time,
      timeMs,
      msgCountTotal: this.#count,
      msgCountRate: perSecond(this.#count),
      msgBytesTotal: this.#bytes,
      msgBytesRate: perSecond(this.#bytes),
      msgSizeMin: this.#count === 0 ? undefined : this.#min,
      msgSizeAvg: this.#count === 0 ? 0 : this.#bytes / this.#count,
      msgSizeMax: this.#count === 0 ? undefined : this.#max,
      msgUncompressedBytesTotal: this.#uncompressed,
      msgCompressedBytesTotal: this.#compressed,
      msgCompressionRatio: this.#uncompressed === 0 ? 1 : this.#compressed / this.#uncompressed,
      errorCountTotal: this.#errors,
      errorCountRate: perSecond(this.#errors),
      raw,
    };
  }
}
