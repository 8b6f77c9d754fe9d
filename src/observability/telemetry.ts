import type { Meter } from '@opentelemetry/api';
import type { MessageHeaders, ReceivedMessage } from '../spi/types.js';
import {
  ClientTracing,
  errorType,
  loadOpenTelemetry,
  type OpenTelemetry,
  OpenTelemetryMetrics,
  type Processing,
  registeredMeter,
  tracerRegistered,
} from './opentelemetry.js';
import { type BoundSink, type ClientIdentity, type MessageSink, processSinks } from './sinks.js';

/** The instruments of the meter provider registered when a client last opened. */
let openTelemetryMetrics: { meter: Meter; sink: MessageSink } | undefined;

function openTelemetrySink(api: OpenTelemetry): MessageSink | undefined {
  const meter = registeredMeter(api);
  if (meter === undefined) return undefined;
  if (openTelemetryMetrics?.meter !== meter) {
    openTelemetryMetrics = { meter, sink: new OpenTelemetryMetrics(meter) };
  }
  return openTelemetryMetrics.sink;
}

/** A message the user holds, as spans and durations see it. */
export interface HeldMessage {
  /** Runs the user's handler inside the `process` span, when traced. */
  run<R>(handle: () => R): R;
  end(error?: unknown): void;
}

/**
 * What one reader or writer reports besides `metrics`: spans and the sinks' counters. A client
 * has one only when `@opentelemetry/api` is installed or a sink was installed before it opened.
 */
export class ClientTelemetry {
  readonly #tracing: ClientTracing | undefined;
  readonly #sinks: readonly BoundSink[];

  private constructor(tracing: ClientTracing | undefined, sinks: readonly BoundSink[]) {
    this.#tracing = tracing;
    this.#sinks = sinks;
  }

  static async open(
    identity: ClientIdentity,
    role: 'reader' | 'writer',
  ): Promise<ClientTelemetry | undefined> {
    const api = await loadOpenTelemetry();
    const openTelemetry = api && openTelemetrySink(api);
    const sinks = [...(openTelemetry ? [openTelemetry] : []), ...processSinks];
    const tracing =
      api && tracerRegistered(api) ? new ClientTracing(api, identity, role) : undefined;
    if (!tracing && sinks.length === 0) return undefined;
    return new ClientTelemetry(
      tracing,
      sinks.map((sink) => sink.bind(identity, role)),
    );
  }

  /**
   * One publish: a `send` span (its trace context added to the headers with `inject`), the
   * sent counter and the operation's duration.
   */
  async publish(
    bodySize: number,
    headers: Map<string, string | Uint8Array> | undefined,
    inject: boolean,
    publish: (headers: MessageHeaders | undefined) => Promise<void>,
  ): Promise<void> {
    const started = performance.now();
    try {
      if (this.#tracing) await this.#tracing.send(bodySize, headers, inject, publish);
      else await publish(headers);
    } catch (error) {
      const seconds = (performance.now() - started) / 1000;
      for (const sink of this.#sinks) sink.sendFailed(errorType(error), seconds);
      throw error;
    }
    const seconds = (performance.now() - started) / 1000;
    for (const sink of this.#sinks) sink.sent(bodySize, seconds);
  }

  /**
   * A message handed to the user: its `process` span and the consumed counter, and with
   * `receiveStarted` (a `performance.now()`), the duration of the receive that returned it.
   */
  consume(received: ReceivedMessage, receiveStarted?: number): HeldMessage {
    const bodySize = received.bytes.length;
    const receiveSeconds =
      receiveStarted === undefined ? undefined : (performance.now() - receiveStarted) / 1000;
    for (const sink of this.#sinks) sink.consumed(bodySize, receiveSeconds);
    const processing: Processing | undefined = this.#tracing?.process(
      received.topic,
      bodySize,
      received.headers,
      received.partition,
    );
    const started = performance.now();
    let ended = false;
    return {
      run: (handle) => (processing ? processing.run(handle) : handle()),
      end: (error?: unknown) => {
        if (ended) return;
        ended = true;
        const seconds = (performance.now() - started) / 1000;
        for (const sink of this.#sinks) sink.processed(seconds);
        processing?.end(error);
      },
    };
  }

  /** A message that could not be handed to the user (it did not decode). */
  readFailed(error: unknown): void {
    for (const sink of this.#sinks) sink.readFailed(errorType(error));
  }
}
