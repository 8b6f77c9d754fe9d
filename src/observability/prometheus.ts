import type { Registry } from 'prom-client';
import { InvalidArgumentError } from '../errors.js';
import { importOptional } from './opentelemetry.js';
import { type BoundSink, type ClientIdentity, type MessageSink, processSinks } from './sinks.js';

type PromClient = typeof import('prom-client');

const LABELS = ['service', 'type', 'topic', 'client_id'] as const;
const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** A prom-client `Registry`, such as its default `register`. */
export interface PrometheusRegistry {
  /** The registry's series in the Prometheus text format. */
  metrics(): Promise<string>;
  /** Adds a metric the registry then reports. */
  registerMetric(metric: never): void;
}

const PROM_CLIENT: string = 'prom-client';
const registered = new WeakSet<Registry>();

/**
 * Exposes every reader's and writer's counts in a prom-client registry: messages sent and
 * consumed, bytes, errors, publish and processing durations, labelled by service, type,
 * topic (as configured: a reader's wildcard stays one label value) and client id. Readers and
 * writers opened after this call report; calling it again for the same registry does nothing.
 */
export async function collectPrometheusMetrics(registry: PrometheusRegistry): Promise<void> {
  // The type stays structural so that the declarations of this package need no prom-client.
  const register = registry as Registry;
  if (registered.has(register)) return;
  const client = (await importOptional(() => import(PROM_CLIENT))) as PromClient | undefined;
  if (!client) {
    throw new InvalidArgumentError(
      'collectPrometheusMetrics needs prom-client: npm install prom-client',
    );
  }
  registered.add(register);
  processSinks.push(new PrometheusSink(client, register));
}

class PrometheusSink implements MessageSink {
  readonly #sent;
  readonly #consumed;
  readonly #bytes;
  readonly #errors;
  readonly #operationDuration;
  readonly #processDuration;

  constructor(client: PromClient, register: Registry) {
    const registers = [register];
    const labelNames = [...LABELS];
    this.#sent = new client.Counter({
      name: 'messaging_client_sent_messages_total',
      help: 'Messages a writer sent (messaging.client.sent.messages)',
      labelNames,
      registers,
    });
    this.#consumed = new client.Counter({
      name: 'messaging_client_consumed_messages_total',
      help: 'Messages a reader handed to the user (messaging.client.consumed.messages)',
      labelNames,
      registers,
    });
    this.#bytes = new client.Counter({
      name: 'sinetstream_message_bytes_total',
      help: 'Bytes of the messages sent or consumed, as metrics.msgBytesTotal counts them',
      labelNames: [...labelNames, 'role'],
      registers,
    });
    this.#errors = new client.Counter({
      name: 'sinetstream_errors_total',
      help: 'Publishes that failed and messages that did not decode, as metrics.errorCountTotal',
      labelNames: [...labelNames, 'role', 'error_type'],
      registers,
    });
    this.#operationDuration = new client.Histogram({
      name: 'messaging_client_operation_duration_seconds',
      help: 'How long a publish took (until the broker had the message) or a receive (until a message came)',
      labelNames: [...labelNames, 'operation'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.#processDuration = new client.Histogram({
      name: 'messaging_process_duration_seconds',
      help: 'How long the user took over a message',
      labelNames,
      buckets: DURATION_BUCKETS,
      registers,
    });
  }

  bind(identity: ClientIdentity, role: 'reader' | 'writer'): BoundSink {
    const labels = {
      service: identity.service,
      type: identity.type,
      topic: identity.topic,
      client_id: identity.clientId,
    };
    const sent = this.#sent.labels(labels);
    const consumed = this.#consumed.labels(labels);
    const bytes = this.#bytes.labels({ ...labels, role });
    const operation = this.#operationDuration.labels({ ...labels, operation: 'publish' });
    const receive = this.#operationDuration.labels({ ...labels, operation: 'receive' });
    const processing = this.#processDuration.labels(labels);
    const failed = (errorType: string) =>
      this.#errors.inc({ ...labels, role, error_type: errorType });
    return {
      sent: (size, seconds) => {
        sent.inc();
        bytes.inc(size);
        operation.observe(seconds);
      },
      sendFailed: (errorType, seconds) => {
        failed(errorType);
        operation.observe(seconds);
      },
      consumed: (size, receiveSeconds) => {
        consumed.inc();
        bytes.inc(size);
        if (receiveSeconds !== undefined) receive.observe(receiveSeconds);
      },
      processed: (seconds) => processing.observe(seconds),
      readFailed: failed,
    };
  }
}
