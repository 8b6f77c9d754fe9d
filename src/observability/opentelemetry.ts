/**
 * OpenTelemetry tracing and metrics, when `@opentelemetry/api` is installed (an optional peer
 * dependency). Attribute and instrument names are those of the messaging semantic
 * conventions, copied here: their package's incubating entry point is not stable.
 */
import type * as OpenTelemetryApi from '@opentelemetry/api';
import type { Attributes, Span, TextMapGetter } from '@opentelemetry/api';
import { headerText } from '../api/headers.js';
import type { MessageHeaders } from '../spi/types.js';
import type { BoundSink, ClientIdentity, MessageSink } from './sinks.js';

export type OpenTelemetry = typeof OpenTelemetryApi;

const SYSTEM = 'messaging.system';
const DESTINATION = 'messaging.destination.name';
const OPERATION_TYPE = 'messaging.operation.type';
const OPERATION_NAME = 'messaging.operation.name';
const CLIENT_ID = 'messaging.client.id';
const BODY_SIZE = 'messaging.message.body.size';
const CONSUMER_GROUP = 'messaging.consumer.group.name';
const PARTITION = 'messaging.destination.partition.id';
const ERROR_TYPE = 'error.type';

/** The conventions' bucket advice for messaging durations, in seconds. */
const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** The conventions' `messaging.system` for the types they name; the type itself otherwise. */
const SYSTEMS: Readonly<Record<string, string>> = { kafka: 'kafka', 'amqp-0.9.1': 'rabbitmq' };

export function messagingSystem(type: string): string {
  return SYSTEMS[type] ?? type;
}

/**
 * The module, or undefined when it is not installed. Imported at most once, and only when a
 * reader or writer opens: a program without it imports nothing.
 */
export function loadOpenTelemetry(
  load: () => Promise<unknown> = () => import(OPENTELEMETRY_API),
): Promise<OpenTelemetry | undefined> {
  loading ??= importOptional(load) as Promise<OpenTelemetry | undefined>;
  return loading;
}

/** A variable, so that bundlers and TypeScript leave the optional module unresolved. */
const OPENTELEMETRY_API: string = '@opentelemetry/api';
let loading: Promise<OpenTelemetry | undefined> | undefined;

/** The module `load` imports, or undefined when it is not installed; other failures throw. */
export async function importOptional(load: () => Promise<unknown>): Promise<unknown> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

const headersGetter: TextMapGetter<MessageHeaders> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headerText(headers.get(key)),
};

export function errorType(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function fail(api: OpenTelemetry, span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: String(error) });
  span.setAttribute(ERROR_TYPE, errorType(error));
}

/** A message being handled by the user: its `process` span, ended when the user is done. */
export interface Processing {
  /** Runs `handle` with the span active, so that the user's own spans are its children. */
  run<R>(handle: () => R): R;
  end(error?: unknown): void;
}

/**
 * Whether a tracer provider is registered. Without one every span is a no-op, yet making them
 * still cost a third of the memory broker's message rate, and many programs have the API
 * through other packages and trace nothing. Asked when a reader or writer opens, as
 * docs/observability.md says to register first.
 */
export function tracerRegistered(api: OpenTelemetry): boolean {
  const provider = api.trace.getTracerProvider();
  return (
    !(provider instanceof api.ProxyTracerProvider) ||
    provider.getDelegateTracer('sinetstream') !== undefined
  );
}

/** Spans for one reader or writer. */
export class ClientTracing {
  readonly #api: OpenTelemetry;
  readonly #tracer: OpenTelemetryApi.Tracer;
  readonly #attributes: Attributes;
  readonly #destination: string;
  readonly #sendName: string;
  readonly #sendOptions: OpenTelemetryApi.SpanOptions;
  readonly #processOptions: OpenTelemetryApi.SpanOptions;

  constructor(api: OpenTelemetry, identity: ClientIdentity, role: 'reader' | 'writer') {
    this.#api = api;
    this.#tracer = api.trace.getTracer('sinetstream');
    this.#destination = identity.topic;
    this.#sendName = `send ${identity.topic}`;
    this.#sendOptions = { kind: api.SpanKind.PRODUCER };
    this.#processOptions = { kind: api.SpanKind.CONSUMER };
    this.#attributes = {
      [SYSTEM]: messagingSystem(identity.type),
      [CLIENT_ID]: identity.clientId,
      [OPERATION_TYPE]: role === 'writer' ? 'send' : 'process',
      [OPERATION_NAME]: role === 'writer' ? 'publish' : 'process',
      ...(identity.consumerGroup !== undefined ? { [CONSUMER_GROUP]: identity.consumerGroup } : {}),
    };
  }

  /**
   * Runs one publish under a `send` span. With `inject`, the span's W3C trace context is
   * added to the message's headers, so that readers' spans join the writer's trace.
   */
  async send(
    bodySize: number,
    headers: Map<string, string | Uint8Array> | undefined,
    inject: boolean,
    publish: (headers: MessageHeaders | undefined) => Promise<void>,
  ): Promise<void> {
    const api = this.#api;
    const span = this.#tracer.startSpan(this.#sendName, this.#sendOptions);
    // Attributes only for a span that keeps them: without an SDK, spans cost next to nothing.
    if (span.isRecording()) {
      span.setAttributes(this.#attributes);
      span.setAttribute(DESTINATION, this.#destination);
      span.setAttribute(BODY_SIZE, bodySize);
    }
    let carried = headers;
    if (inject && api.trace.isSpanContextValid(span.spanContext())) {
      const carrier: Record<string, string> = {};
      api.propagation.inject(api.trace.setSpan(api.context.active(), span), carrier);
      carried = new Map(headers);
      for (const [name, value] of Object.entries(carrier)) carried.set(name, value);
    }
    try {
      await publish(carried);
    } catch (error) {
      fail(api, span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /** Starts the `process` span of a message handed to the user, a child of its writer's. */
  process(
    topic: string,
    bodySize: number,
    headers: MessageHeaders | undefined,
    partition: number | undefined,
  ): Processing {
    const api = this.#api;
    const parent =
      headers && headers.size > 0
        ? api.propagation.extract(api.context.active(), headers, headersGetter)
        : api.context.active();
    const span = this.#tracer.startSpan(`process ${topic}`, this.#processOptions, parent);
    if (span.isRecording()) {
      span.setAttributes(this.#attributes);
      span.setAttribute(DESTINATION, topic);
      span.setAttribute(BODY_SIZE, bodySize);
      if (partition !== undefined) span.setAttribute(PARTITION, String(partition));
    }
    return {
      run: (handle) => api.context.with(api.trace.setSpan(parent, span), handle),
      end: (error?: unknown) => {
        if (error !== undefined) fail(api, span, error);
        span.end();
      },
    };
  }
}

/**
 * The meter of a registered meter provider, or `undefined` without one: then every instrument
 * would be a no-op that still costs a wrapper around each publish and message. Unlike traces,
 * the API has no proxy for metrics, so instruments made before a provider is registered stay
 * no-ops; asked at each open, as docs/observability.md says to register first.
 */
export function registeredMeter(api: OpenTelemetry): OpenTelemetryApi.Meter | undefined {
  const meter = api.metrics.getMeter('sinetstream');
  return meter === api.createNoopMeter() ? undefined : meter;
}

/** The conventions' instruments on one meter, fed by every reader and writer. */
export class OpenTelemetryMetrics implements MessageSink {
  readonly #sent: OpenTelemetryApi.Counter;
  readonly #consumed: OpenTelemetryApi.Counter;
  readonly #operationDuration: OpenTelemetryApi.Histogram;
  readonly #processDuration: OpenTelemetryApi.Histogram;

  constructor(meter: OpenTelemetryApi.Meter) {
    const advice = { explicitBucketBoundaries: DURATION_BUCKETS };
    this.#sent = meter.createCounter('messaging.client.sent.messages', {
      description: 'Messages a writer sent',
      unit: '{message}',
    });
    this.#consumed = meter.createCounter('messaging.client.consumed.messages', {
      description: 'Messages a reader handed to the user',
      unit: '{message}',
    });
    this.#operationDuration = meter.createHistogram('messaging.client.operation.duration', {
      description:
        'How long a publish took (until the broker had the message) or a receive (until a message came)',
      unit: 's',
      advice,
    });
    this.#processDuration = meter.createHistogram('messaging.process.duration', {
      description: 'How long the user took over a message',
      unit: 's',
      advice,
    });
  }

  bind(identity: ClientIdentity, role: 'reader' | 'writer'): BoundSink {
    const attributes: Attributes = {
      [SYSTEM]: messagingSystem(identity.type),
      [DESTINATION]: identity.topic,
      [OPERATION_TYPE]: role === 'writer' ? 'send' : 'process',
      [OPERATION_NAME]: role === 'writer' ? 'publish' : 'process',
      ...(identity.consumerGroup !== undefined ? { [CONSUMER_GROUP]: identity.consumerGroup } : {}),
    };
    const failed = (type: string): Attributes => ({ ...attributes, [ERROR_TYPE]: type });
    const receive: Attributes = {
      ...attributes,
      [OPERATION_TYPE]: 'receive',
      [OPERATION_NAME]: 'receive',
    };
    return {
      sent: (_bytes, seconds) => {
        this.#sent.add(1, attributes);
        this.#operationDuration.record(seconds, attributes);
      },
      sendFailed: (type, seconds) => {
        this.#sent.add(1, failed(type));
        this.#operationDuration.record(seconds, failed(type));
      },
      consumed: (_bytes, receiveSeconds) => {
        this.#consumed.add(1, attributes);
        if (receiveSeconds !== undefined) this.#operationDuration.record(receiveSeconds, receive);
      },
      processed: (seconds) => this.#processDuration.record(seconds, attributes),
      readFailed: (type) => this.#consumed.add(1, failed(type)),
    };
  }
}
