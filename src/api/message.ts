/** A received message. */
export class Message<T = Uint8Array> {
  constructor(
    /** The value, deserialized by the reader's valueType or valueDeserializer. */
    readonly value: T,
    readonly topic: string,
    /** Microseconds since the epoch when the writer published it; 0 when unknown. */
    readonly timestampUs: number,
    /** The broker client's own message object. */
    readonly raw: unknown,
  ) {}

  /** Seconds since the epoch (fractional); 0 when unknown. */
  get timestamp(): number {
    return this.timestampUs / 1_000_000;
  }
}
