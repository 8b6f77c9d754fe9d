import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { HistogramMetricData, SumMetricData } from '@opentelemetry/sdk-metrics';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  collectPrometheusMetrics,
  headerText,
  MessageReader,
  MessageWriter,
} from '../../src/index.js';
import { importOptional } from '../../src/observability/opentelemetry.js';
import { installOpenTelemetry, summarize } from '../support/tracing.js';

const BLOCK_OPENTELEMETRY = new URL('../support/block-opentelemetry.ts', import.meta.url).pathname;
const LATE_METER_PROVIDER = new URL('../support/late-meter-provider.ts', import.meta.url).pathname;
const WITHOUT_OPENTELEMETRY = new URL('../support/without-opentelemetry.ts', import.meta.url)
  .pathname;

// Installed before any reader or writer opens, as an application does at start-up.
const otel = installOpenTelemetry();
const prometheus = new Registry();
beforeAll(() => collectPrometheusMetrics(prometheus));

const service = (topic: string, clientId: string) => ({
  service: 'sensors',
  config: {
    header: { version: 3 },
    config: { sensors: { type: 'memory', brokers: `observability-${randomUUID()}` } },
  },
  topic,
  clientId,
  valueType: 'text',
});

async function roundTrip(count: number, headers?: Record<string, string>) {
  const topic = `sensor-${randomUUID().slice(0, 8)}`;
  const options = service(topic, `client-${topic}`);
  await using reader = await new MessageReader<string>({
    ...options,
    topics: topic,
    receiveTimeoutMs: 500,
  }).open();
  await using writer = await new MessageWriter<string>(options).open();
  for (let i = 0; i < count; i++) await writer.publish(`reading ${i}`, headers ? { headers } : {});
  const received = [];
  for await (const message of reader) {
    received.push(message);
    if (received.length === count) break;
  }
  return { topic, clientId: options.clientId, received, writer, reader };
}

describe('tracing', () => {
  it('makes each publish a send span and each message a process span under it', async () => {
    otel.reset();
    const { topic, received } = await roundTrip(1, { origin: 'sensor-1' });
    const spans = (await otel.finishedSpans()).map(summarize);
    const send = spans.find((s) => s.name === `send ${topic}`)!;
    const processing = spans.find((s) => s.name === `process ${topic}`)!;
    expect(send).toMatchObject({
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'memory',
        'messaging.destination.name': topic,
        'messaging.operation.type': 'send',
        'messaging.client.id': `client-${topic}`,
      },
    });
    expect(send.attributes['messaging.message.body.size']).toBeGreaterThan(0);
    expect(processing).toMatchObject({
      kind: SpanKind.CONSUMER,
      traceId: send.traceId,
      parentSpanId: send.spanId,
      attributes: { 'messaging.operation.type': 'process', 'messaging.destination.name': topic },
    });
    const headers = received[0]!.headers;
    expect(headers.get('origin')).toBe('sensor-1');
    expect(headerText(headers.get('traceparent'))).toContain(send.traceId);
    expect(received[0]!.value).toBe('reading 0');
  });

  it('records a failed publish on its span', async () => {
    otel.reset();
    const topic = `failing-${randomUUID().slice(0, 8)}`;
    await using writer = await new MessageWriter<string>(service(topic, 'w')).open();
    const publish = writer.publish('x', { signal: AbortSignal.abort(new Error('given up')) });
    await expect(publish).rejects.toThrow('given up');
    const [span] = (await otel.finishedSpans()).map(summarize);
    expect(span).toMatchObject({
      name: `send ${topic}`,
      status: SpanStatusCode.ERROR,
      attributes: { 'error.type': 'PublishError' },
    });
  });
});

describe('metrics for collectors', () => {
  it('counts sent and consumed messages and their durations as OpenTelemetry instruments', async () => {
    const { topic } = await roundTrip(3);
    const { resourceMetrics } = await otel.metrics.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
    const named = (name: string) => all.filter((m) => m.descriptor.name === name);
    const mine = (p: { attributes: Record<string, unknown> }) =>
      p.attributes['messaging.destination.name'] === topic;
    const counted = (name: string) =>
      named(name).flatMap((m) => (m as SumMetricData).dataPoints.filter(mine).map((p) => p.value));
    const timed = (name: string) =>
      named(name).flatMap((m) =>
        (m as HistogramMetricData).dataPoints
          .filter(mine)
          .map((p) => [p.attributes['messaging.operation.name'], p.value.count]),
      );
    expect(counted('messaging.client.sent.messages')).toEqual([3]);
    expect(counted('messaging.client.consumed.messages')).toEqual([3]);
    expect(timed('messaging.client.operation.duration')).toEqual([
      ['publish', 3],
      ['receive', 3],
    ]);
    expect(timed('messaging.process.duration')).toEqual([['process', 3]]);
  });

  it('counts the writers that open after the program registers its meter provider', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', LATE_METER_PROVIDER], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stderr).not.toContain('Error');
    // Before the provider, instruments would be no-ops: nothing is counted, nothing is kept.
    expect(JSON.parse(child.stdout)).toEqual({ after: 2 });
  });

  it('exposes the same counts as Prometheus series', async () => {
    const { topic, clientId, writer } = await roundTrip(5);
    const text = await prometheus.metrics();
    const labels = `service="sensors",type="memory",topic="${topic}",client_id="${clientId}"`;
    expect(text).toContain(`messaging_client_sent_messages_total{${labels}} 5`);
    expect(text).toContain(`messaging_client_consumed_messages_total{${labels}} 5`);
    expect(text).toContain(
      `sinetstream_message_bytes_total{${labels},role="writer"} ${writer.metrics.msgBytesTotal}`,
    );
    expect(text).toContain(
      `messaging_client_operation_duration_seconds_count{${labels},operation="publish"} 5`,
    );
    expect(text).toContain(
      `messaging_client_operation_duration_seconds_count{${labels},operation="receive"} 5`,
    );
    expect(text).toContain(`messaging_process_duration_seconds_count{${labels}} 5`);
  });
});

describe('without @opentelemetry/api', () => {
  it('a module that is not installed loads as undefined; other failures still throw', async () => {
    const missing: string = 'sinetstream-no-such-module';
    await expect(importOptional(() => import(missing))).resolves.toBeUndefined();
    const broken = Object.assign(new Error('syntax'), { code: 'ERR_INVALID_ARG' });
    await expect(importOptional(() => Promise.reject(broken))).rejects.toBe(broken);
  });

  it('readers and writers work, with headers, in a program that cannot resolve it', async () => {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--import', BLOCK_OPENTELEMETRY, WITHOUT_OPENTELEMETRY],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.stderr).not.toContain('Error');
    expect(JSON.parse(child.stdout)).toEqual({
      blocked: true,
      value: 'hello',
      headers: [['origin', 'sensor-1']],
    });
  });
});
