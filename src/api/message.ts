import type { MessageHeaders } from '../spi/types.js';
import { NO_HEADERS } from './headers.js';

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
    /**
     * The headers it was sent with, by name: a string or a Uint8Array each, as the writer
     * gave them, except on Kafka, whose headers are bytes only (`headerText` reads them as
     * UTF-8). Empty when it has none; a trace context (`traceparent`, `tracestate`) shows here.
     */
    readonly headers: MessageHeaders = NO_HEADERS,
  ) {}

  /** Seconds since the epoch (fractional); 0 when unknown. */
  get timestamp(): number {
    return this.timestampUs / 1_000_000;
  }
}
