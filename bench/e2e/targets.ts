/**
 * The brokers the end-to-end bench runs on, each with the service our API is given (the
 * same settings the raw side copies) and the window (publishes in flight) used there.
 */
import { randomUUID } from 'node:crypto';

export type Consistency = 'AT_MOST_ONCE' | 'AT_LEAST_ONCE';
export type Protocol = 'mqtt' | 'kafka' | 'amqp-0.9.1' | 'amqp-1.0';

export interface Target {
  /** Shown in the report: broker and protocol. */
  name: string;
  protocol: Protocol;
  host: string;
  port: number;
  /** Publishes in flight for the windowed sides (ours and raw alike). */
  window: number;
  /** Extra settings for our service (`type_spec`). */
  typeSpec: Record<string, unknown>;
  /** The broker address the raw AMQP 1.0 client attaches to for `topic`. */
  address?(topic: string): string;
  /** Python SINETStream 1.10 has a plugin for it. */
  python: boolean;
  /**
   * Queues cannot be deleted there (scripts/artemis: guest may not manage the broker), so
   * each side reuses one fixed queue, which its reader leaves empty.
   */
  fixedQueues?: boolean;
}

export const CREDENTIALS = { username: 'guest', password: 'guest' };
/** x-expires only removes a queue should a run die before its reader drained it. */
export const QUEUE_ARGUMENTS = { 'x-expires': 10 * 60_000 };

export const TARGETS: readonly Target[] = [
  {
    name: 'MQTT (Mosquitto)',
    protocol: 'mqtt',
    host: '127.0.0.1',
    port: 1883,
    window: 64,
    typeSpec: {},
    python: true,
  },
  {
    name: 'Kafka (1 broker)',
    protocol: 'kafka',
    host: '127.0.0.1',
    port: 9092,
    window: 256,
    typeSpec: {},
    python: true,
  },
  {
    name: 'AMQP 0.9.1 (RabbitMQ)',
    protocol: 'amqp-0.9.1',
    host: '127.0.0.1',
    port: 5672,
    window: 64,
    typeSpec: { ...CREDENTIALS, queue_arguments: QUEUE_ARGUMENTS },
    python: false,
  },
  {
    name: 'AMQP 1.0 (RabbitMQ)',
    protocol: 'amqp-1.0',
    host: '127.0.0.1',
    port: 5672,
    window: 64,
    // RabbitMQ 3.x: /amq/queue/NAME is a queue declared beforehand (sides.ts does).
    typeSpec: { ...CREDENTIALS, address_prefix: '/amq/queue/', address_type: 'queue' },
    address: (topic) => `/amq/queue/${topic}`,
    python: false,
  },
  {
    name: 'AMQP 1.0 (Artemis)',
    protocol: 'amqp-1.0',
    host: '127.0.0.1',
    port: 5682,
    window: 64,
    typeSpec: { ...CREDENTIALS, address_type: 'queue' },
    address: (topic) => topic,
    python: false,
    fixedQueues: true,
  },
];

/** Our service definition for `target` at `consistency`. */
export function serviceOf(target: Target, consistency: Consistency): Record<string, unknown> {
  return {
    type: target.protocol,
    brokers: `${target.host}:${target.port}`,
    consistency,
    value_type: 'byte_array',
    type_spec: target.typeSpec,
  };
}

/** A topic (queue) of its own per side and case, so no side reads another's messages. */
export function topicFor(target: Target, side: string, consistency: Consistency): string {
  const name = `sinetstream-e2e-${side}-${consistency === 'AT_MOST_ONCE' ? 'amo' : 'alo'}`;
  return target.fixedQueues ? name : `${name}-${randomUUID().slice(0, 8)}`;
}
