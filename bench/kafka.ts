/**
 * Kafka throughput: our MessageWriter against the raw @platformatic/kafka producer, same broker,
 * same payloads, same run. Needs scripts/kafka/setup.sh. Run: npx tsx bench/kafka.ts
 *
 * Two patterns, both at AT_LEAST_ONCE (acks from the leader):
 *   sequential: await every publish before the next (latency-bound);
 *   pipelined:  64 publishes in flight (MessageWriter.publish is allowed to overlap).
 * Each measurement runs for about 3 s or a bounded number of messages, after a warm-up; the
 * two sides alternate three times and the best run of each counts, to damp noise from a shared box.
 */
import { randomUUID } from 'node:crypto';
import { ProduceAcks, Producer } from '@platformatic/kafka';
import { MessageWriter } from '../src/index.js';

const BROKER = process.env.SINETSTREAM_KAFKA_BROKER ?? '127.0.0.1:9092';
const SIZES = [100, 1024, 64 * 1024];
const SECONDS = 3;
const MAX_MESSAGES = 200_000;
const WARMUP = 200;
const WINDOW = 64;
const ROUNDS = 3;

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
  const producer = new Producer({ clientId: `bench-raw-${randomUUID()}`, bootstrapBrokers: [BROKER] });
  await producer.metadata({ topics: [topic], autocreateTopics: true });
  return {
    send: async (p) => {
      await producer.send({ messages: [{ topic, value: Buffer.from(p) }], acks: ProduceAcks.LEADER });
    },
    close: () => producer.close(),
  };
}

/** Messages per second for `send` over about SECONDS, keeping `window` publishes in flight. */
async function measure(send: Send, payload: Uint8Array, window: number): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await send(payload);
  const deadline = performance.now() + SECONDS * 1000;
  const start = performance.now();
  let sent = 0;
  const worker = async () => {
    while (sent < MAX_MESSAGES && performance.now() < deadline) {
      sent++;
      await send(payload);
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  return sent / ((performance.now() - start) / 1000);
}

async function run(make: (topic: string) => Promise<Side>, size: number, window: number): Promise<number> {
  const side = await make(`sinetstream-bench-${size}-${randomUUID().slice(0, 8)}`);
  try {
    return await measure(side.send, new Uint8Array(size).fill(0x61), window);
  } finally {
    await side.close();
  }
}

const fmt = (n: number, digits = 0) => n.toFixed(digits).padStart(10);
const mib = (rate: number, size: number) => (rate * size) / 2 ** 20;

console.log(`Kafka at ${BROKER}; ${SECONDS} s per run, best of ${ROUNDS}`);
console.log('pattern     size      ours msg/s   raw msg/s   ours MiB/s   raw MiB/s   ratio  goal');
for (const [pattern, window] of [
  ['sequential', 1],
  ['pipelined', WINDOW],
] as const) {
  for (const size of SIZES) {
    let best = { ours: 0, raw: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      best = {
        raw: Math.max(best.raw, await run(raw, size, window)),
        ours: Math.max(best.ours, await run(ours, size, window)),
      };
    }
    const ratio = best.ours / best.raw;
    const goal = size <= 100 ? 0.9 : 0.97;
    console.log(
      `${pattern.padEnd(10)} ${String(size).padStart(6)} ${fmt(best.ours)}  ${fmt(best.raw)}  ${fmt(mib(best.ours, size), 1)}  ${fmt(mib(best.raw, size), 1)}   ${ratio.toFixed(2)}  ${ratio >= goal ? 'ok' : `< ${goal}`}`,
    );
  }
}
