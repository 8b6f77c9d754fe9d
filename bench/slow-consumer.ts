/**
 * A reader's memory under a slow consumer, per broker: a writer in the same process keeps up
 * to LEAD messages of 1 KiB ahead of a reader (AT_LEAST_ONCE) whose loop handles one message
 * at a time; the process RSS and its live memory (V8 heap in use and Buffers, after a
 * collection) are printed after 10,000 and after COUNT messages. A reader that pulled the
 * backlog into memory would grow by up to LEAD KiB; one with backpressure leaves it at the
 * broker and stays flat. RSS also holds heap pages V8 keeps after a collection (in one MQTT
 * run it rose ~130 MB over the first 50k messages, then stayed, with live memory flat).
 *
 * `npx tsx --expose-gc bench/slow-consumer.ts [count] [broker...]` (count default 200000;
 * brokers: mqtt kafka amqp-0.9.1 amqp-1.0). Needs the servers of `npm run setup-brokers`.
 * Loopback only; every loop is bounded by COUNT.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { MessageReader, MessageWriter } from '../src/index.js';

const COUNT = Number(process.argv[2] ?? 200_000);
const CHECKPOINT = 10_000;
const PAYLOAD = new Uint8Array(1024).fill(0x61);
const WINDOW = 64; // publishes in flight

interface Case {
  service: Record<string, unknown>;
  topic: string;
  reader?: Record<string, unknown>;
  /** How far the writer may run ahead: what the broker holds for a slow reader. */
  lead: number;
}

const id = () => randomUUID().slice(0, 8);

const CASES: Record<string, () => Case> = {
  // Mosquitto drops QoS 1 messages past max_queued_messages (1000) for a client that is behind.
  mqtt: () => ({
    service: { type: 'mqtt', brokers: '127.0.0.1:1883', type_spec: { protocol: 'MQTTv5' } },
    topic: `bench/slow/${id()}`,
    lead: 900,
  }),
  kafka: () => ({
    service: { type: 'kafka', brokers: '127.0.0.1:9092' },
    topic: `bench-slow-${id()}`,
    lead: 50_000,
  }),
  'amqp-0.9.1': () => ({
    service: {
      type: 'amqp-0.9.1',
      brokers: '127.0.0.1:5672',
      type_spec: { exchange: 'sinetstream.bench', exchange_type: 'topic' },
    },
    topic: `bench.slow.${id()}`,
    lead: 50_000,
  }),
  'amqp-1.0': () => ({
    service: { type: 'amqp-1.0', brokers: '127.0.0.1:5682', type_spec: { address_type: 'topic' } },
    topic: `bench.slow.${id()}`,
    lead: 20_000,
  }),
};

interface Memory {
  rss: number;
  /** What the program still holds after a collection: V8 heap in use plus Buffers. */
  live: number;
}

function memory(): Memory {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / 2 ** 20, live: (m.heapUsed + m.external) / 2 ** 20 };
}

const mb = (value: number) => `${value.toFixed(0)} MB`;

async function measure(name: string, make: () => Case): Promise<void> {
  const { service, topic, lead } = make();
  const config = { header: { version: 3 }, config: { bench: service } };
  const common = { service: 'bench', config, consistency: 'AT_LEAST_ONCE' as const };
  // Ends the loop if the broker stops delivering (say, it dropped messages), rather than hang.
  await using reader = await new MessageReader({
    ...common,
    topics: topic,
    receiveTimeoutMs: 10_000,
  }).open();
  await using writer = await new MessageWriter({ ...common, topic }).open();

  let consumed = 0;
  let published = 0;
  const waiting: (() => void)[] = [];
  const lane = async () => {
    while (published < COUNT) {
      if (published - consumed >= lead) {
        await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      published++;
      await writer.publish(PAYLOAD);
    }
  };
  const writing = Promise.all(Array.from({ length: WINDOW }, lane));

  const started = Date.now();
  let atCheckpoint: Memory = { rss: 0, live: 0 };
  for await (const _message of reader) {
    consumed++;
    if (published - consumed < lead / 2) for (const resume of waiting.splice(0)) resume();
    // The slow part: one message per turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    if (consumed === CHECKPOINT) atCheckpoint = memory();
    if (consumed >= COUNT) break;
  }
  if (consumed < COUNT) console.log(`${name}: the broker stopped delivering after ${consumed}`);
  await writing;
  const atEnd = memory();
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `${name.padEnd(11)} lead ${String(lead).padStart(6)} | after ${CHECKPOINT} / ${consumed}: ` +
      `RSS ${mb(atCheckpoint.rss)} / ${mb(atEnd.rss)} (${(atEnd.rss - atCheckpoint.rss).toFixed(1)} MB), ` +
      `live ${mb(atCheckpoint.live)} / ${mb(atEnd.live)} (${(atEnd.live - atCheckpoint.live).toFixed(1)} MB) | ` +
      `${Math.round(consumed / seconds)} msg/s`,
  );
}

/** Each broker in a process of its own, so that one's memory does not weigh on the next. */
const chosen = process.argv.slice(3);
if (!(globalThis as { gc?: unknown }).gc)
  console.log('(run with --expose-gc for steadier figures)');
if (chosen.length === 1) {
  const make = CASES[chosen[0] as string];
  if (!make) throw new Error(`no broker "${chosen[0]}": one of ${Object.keys(CASES).join(', ')}`);
  await measure(chosen[0] as string, make);
} else {
  for (const name of Object.keys(CASES)) {
    if (chosen.length > 0 && !chosen.includes(name)) continue;
    const args = [...process.execArgv, process.argv[1] as string, String(COUNT), name];
    spawnSync(process.execPath, args, { stdio: 'inherit' });
  }
}
