/**
 * A writer here and a reader in another process, each with the OpenTelemetry SDK: the
 * reader's `process` span is a child of the writer's `send` span, in the same trace, the
 * trace context having travelled in the message's headers. Where the broker carries no
 * headers (MQTT 3.1.1) the reader's span starts a trace of its own.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { SpanKind } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { MessageWriter } from '../../../src/index.js';
import { installOpenTelemetry, type SpanSummary, summarize } from '../../support/tracing.js';
import { requireBroker } from '../amqp091/support.js';
import { PLAINTEXT, requireKafka } from '../kafka/helpers.js';
import { requireMosquitto } from '../mqtt/mosquitto.js';

const otel = installOpenTelemetry();
const TRACED_READER = new URL('../../support/traced-reader.ts', import.meta.url).pathname;

interface Broker {
  name: string;
  ready(): Promise<void>;
  service: Record<string, unknown>;
  separator: string;
  carriesHeaders: boolean;
}

const BROKERS: Broker[] = [
  {
    name: 'mqtt MQTTv5 on Mosquitto',
    ready: requireMosquitto,
    service: { type: 'mqtt', brokers: '127.0.0.1:1883', type_spec: { protocol: 'MQTTv5' } },
    separator: '/',
    carriesHeaders: true,
  },
  {
    name: 'kafka on Apache Kafka',
    ready: requireKafka,
    service: { type: 'kafka', brokers: PLAINTEXT },
    separator: '.',
    carriesHeaders: true,
  },
  {
    name: 'amqp-0.9.1 on RabbitMQ',
    ready: () => requireBroker('127.0.0.1', 5672, 'scripts/rabbitmq/setup.sh'),
    service: {
      type: 'amqp-0.9.1',
      brokers: '127.0.0.1:5672',
      type_spec: {
        exchange: 'sinetstream.conformance',
        exchange_type: 'topic',
        queue_arguments: { 'x-expires': 60_000 },
      },
    },
    separator: '.',
    carriesHeaders: true,
  },
  {
    name: 'amqp-1.0 on ActiveMQ Artemis',
    ready: () => requireBroker('127.0.0.1', 5682, 'scripts/artemis/setup.sh'),
    service: { type: 'amqp-1.0', brokers: '127.0.0.1:5682', type_spec: { address_type: 'topic' } },
    separator: '.',
    carriesHeaders: true,
  },
  {
    name: 'mqtt MQTTv311 on Mosquitto (no headers)',
    ready: requireMosquitto,
    service: { type: 'mqtt', brokers: '127.0.0.1:1883', type_spec: { protocol: 'MQTTv311' } },
    separator: '/',
    carriesHeaders: false,
  },
];

/** Starts the traced reader; resolves with its spans once it got one message. */
function startReader(options: Record<string, unknown>) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', TRACED_READER, JSON.stringify(options)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error('the traced reader exited early');
    return line.value;
  };
  const ready = next().then((line) => expect(line).toBe('ready'));
  const spans = ready.then(
    async () => (JSON.parse(await next()) as { spans: SpanSummary[] }).spans,
  );
  return { ready, spans, kill: () => child.kill() };
}

describe('trace context across processes', { timeout: 60_000 }, () => {
  for (const broker of BROKERS) {
    it(`${broker.name}: ${broker.carriesHeaders ? "the reader's span is a child of the writer's" : 'each side has a trace of its own'}`, async () => {
      await broker.ready();
      const topic = ['sinetstream', 'traced', randomUUID().slice(0, 8)].join(broker.separator);
      const config = { header: { version: 3 }, config: { traced: broker.service } };
      const common = { service: 'traced', config, valueType: 'text' };
      const reader = startReader({ ...common, topics: topic, receiveTimeoutMs: 30_000 });
      try {
        await reader.ready;
        otel.reset();
        {
          await using writer = await new MessageWriter<string>({ ...common, topic }).open();
          await writer.publish('traced message');
        }
        const send = (await otel.finishedSpans())
          .map(summarize)
          .find((s) => s.name === `send ${topic}`);
        const processing = (await reader.spans).find((s) => s.name === `process ${topic}`);
        console.info(
          `${broker.name}: send ${send?.traceId}/${send?.spanId}, ` +
            `process ${processing?.traceId} parent ${processing?.parentSpanId}`,
        );
        expect(send?.kind).toBe(SpanKind.PRODUCER);
        expect(processing?.kind).toBe(SpanKind.CONSUMER);
        if (broker.carriesHeaders) {
          expect(processing?.traceId).toBe(send?.traceId);
          expect(processing?.parentSpanId).toBe(send?.spanId);
        } else {
          expect(processing?.traceId).not.toBe(send?.traceId);
          expect(processing?.parentSpanId).toBeUndefined();
        }
      } finally {
        reader.kill();
      }
    });
  }
});
