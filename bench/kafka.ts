/**
 * Kafka throughput: our MessageWriter against the raw @platformatic/kafka producer, same broker,
 * same payloads, same run. Needs scripts/kafka/setup.sh. Run: npx tsx bench/kafka.ts
 *
 * Two patterns, both at AT_LEAST_ONCE (acks from the leader):
 *   sequential: await every publish before the next (latency-bound);
 *   pipelined:  64 publishes in flight (MessageWriter.publish is allowed to overlap).
 * After a warm-up, the two sides alternate in short slices (each bounded in time and count),
 * so load from other processes on a shared machine falls on both alike.
 */
import { randomUUID } from 'node:crypto';
import { ProduceAcks, Producer } from '@platformatic/kafka';
import { MessageWriter } from '../src/index.js';

const BROKER = process.env.SINETSTREAM_KAFKA_BROKER ?? '127.0.0.1:9092';
const SIZES = [100, 1024, 64 * 1024];
const SLICES = 8;
const SLICE_MS = 500;
const MAX_MESSAGES = 200_000;
const WARMUP = 200;
const WINDOW = 64;

type Send = (payload: Uint8Array) => Promise<void>;
interface Side {
  send: Send;
  close(): Promise<void>;
}

async function ours(topic: string): Promise<Side> {
  const config = { header: { version: 3 }, config: { bench: { type: 'kafka', brokers: BROKER } } };
  const writer = await new MessageWriter({ service: 'bench', config, topic }).open();
  return { send: (p) => writer.publish(p), close: () => writer.close() };
}

async function raw(topic: string): Promise<Side> {
  const producer = new Producer({
    clientId: `bench-raw-${randomUUID()}`,
    bootstrapBrokers: [BROKER],
  });
  await producer.metadata({ topics: [topic], autocreateTopics: true });
  return {
    send: async (p) => {
      await producer.send({
        messages: [{ topic, value: Buffer.from(p) }],
        acks: ProduceAcks.LEADER,
      });
    },
    close: () => producer.close(),
  };
}

/** Sends for about `ms` with `window` publishes in flight; returns messages sent and seconds. */
async function slice(send: Send, payload: Uint8Array, window: number, ms: number) {
  const start = performance.now();
  const deadline = start + ms;
  let sent = 0;
  const worker = async () => {
    while (sent < MAX_MESSAGES && performance.now() < deadline) {
      sent++;
      await send(payload);
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  return { sent, seconds: (performance.now() - start) / 1000 };
}

/** Messages per second of both sides, alternating short slices so both see the same load. */
async function compare(size: number, window: number): Promise<{ ours: number; raw: number }> {
  const topic = (side: string) => `sinetstream-bench-${side}-${size}-${randomUUID().slice(0, 8)}`;
  const sides = { ours: await ours(topic('ours')), raw: await raw(topic('raw')) };
  const payload = new Uint8Array(size).fill(0x61);
  const totals = { ours: { sent: 0, seconds: 0 }, raw: { sent: 0, seconds: 0 } };
  try {
    for (const side of Object.values(sides))
      for (let i = 0; i < WARMUP; i++) await side.send(payload);
    for (let round = 0; round < SLICES; round++) {
      for (const name of ['raw', 'ours'] as const) {
        const { sent, seconds } = await slice(sides[name].send, payload, window, SLICE_MS);
        totals[name].sent += sent;
        totals[name].seconds += seconds;
      }
    }
  } finally {
    await Promise.all(Object.values(sides).map((side) => side.close()));
  }
  return {
    ours: totals.ours.sent / totals.ours.seconds,
    raw: totals.raw.sent / totals.raw.seconds,
  };
}

const fmt = (n: number, digits = 0) => n.toFixed(digits).padStart(10);
const mib = (rate: number, size: number) => (rate * size) / 2 ** 20;

console.log(`Kafka at ${BROKER}; ${SLICES} alternating slices of ${SLICE_MS} ms per side`);
console.log('pattern     size      ours msg/s   raw msg/s   ours MiB/s   raw MiB/s   ratio  goal');
for (const [pattern, window] of [
  ['sequential', 1],
  ['pipelined', WINDOW],
] as const) {
  for (const size of SIZES) {
    const rate = await compare(size, window);
    const ratio = rate.ours / rate.raw;
    const goal = size <= 100 ? 0.9 : 0.97;
    console.log(
      `${pattern.padEnd(10)} ${String(size).padStart(6)} ${fmt(rate.ours)}  ${fmt(rate.raw)}  ${fmt(mib(rate.ours, size), 1)}  ${fmt(mib(rate.raw, size), 1)}   ${ratio.toFixed(2)}  ${ratio >= goal ? 'ok' : `< ${goal}`}`,
    );
  }
}
