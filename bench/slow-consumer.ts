/**
 * A reader's memory under a slow consumer, per broker: a writer in a child process
 * (bench/slow-consumer-writer.ts) keeps up to LEAD messages of 1 KiB ahead of a reader
 * (AT_LEAST_ONCE) whose loop handles one message per turn of the event loop; the measured
 * process holds only the reader. Its RSS and its live memory (V8 heap in use and Buffers, after
 * a collection) are printed after 10,000 and after COUNT messages, with their differences, and
 * whether RSS grew by less than 50 MB (issue 12's bound). A reader that pulled the backlog
 * into memory would grow by up to LEAD KiB; one with backpressure leaves it at the broker.
 *
 * Each broker is measured twice, each time in a process of its own. First as a user runs it.
 * Then, as a measurement choice, with V8's young generation at its full size from the start
 * (YOUNG_GENERATION_PRESET): V8 doubles the young generation, up to 2 x 64 MB committed,
 * each time the bytes that survived its collections since the last doubling exceed its size,
 * so any steady reader reaches the maximum in time, and a doubling between the two checkpoints
 * adds up to 64 MB of RSS that no message is holding ("V8 heap": what V8 has committed). The
 * second run shows what RSS does once that warm-up is out of the way.
 *
 * `npx tsx --expose-gc bench/slow-consumer.ts [count] [broker...]` (count default 200000;
 * brokers: mqtt kafka amqp-0.9.1 amqp-1.0, default all). Needs the servers of
 * `npm run setup-brokers`. Loopback only; every loop is bounded by COUNT.
 */
import { fork, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { MessageReader } from '../src/index.js';

const COUNT = Number(process.argv[2] ?? 200_000);
const CHECKPOINT = 10_000;
/** Issue 12: RSS after 10k and after 200k messages differ by less than this. */
const RSS_BOUND_MB = 50;
/** How often the writer hears how far the reader has got. */
const REPORT_EVERY = 100;
const WRITER = new URL('./slow-consumer-writer.ts', import.meta.url);
/** Semi-spaces of 64 MB: the most Node 24 (V8 without pointer compression) grows them to. */
const YOUNG_GENERATION_PRESET = '--min-semi-space-size=64';
/** Marks the process that measures one broker. */
const MEASURE = '--measure';

interface Case {
  service: Record<string, unknown>;
  topic: string;
  /** How far the writer may run ahead: what the broker holds for a slow reader. */
  lead: number;
}

const id = () => randomUUID().slice(0, 8);

const CASES: Record<string, () => Case> = {
  // Mosquitto drops QoS 1 messages past max_queued_messages (1000) for a client that is behind;
  // with 800 it still dropped some now and then (the writer hears of the reader's progress up
  // to REPORT_EVERY messages late).
  mqtt: () => ({
    service: { type: 'mqtt', brokers: '127.0.0.1:1883', type_spec: { protocol: 'MQTTv5' } },
    topic: `bench/slow/${id()}`,
    lead: 500,
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
  /** What V8 has committed for its heap, used or not. */
  heap: number;
}

function memory(): Memory {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return {
    rss: m.rss / 2 ** 20,
    live: (m.heapUsed + m.external) / 2 ** 20,
    heap: m.heapTotal / 2 ** 20,
  };
}

function change(what: string, before: number, after: number): string {
  const diff = after - before;
  return `${what} ${before.toFixed(0)} / ${after.toFixed(0)} MB (${diff >= 0 ? '+' : ''}${diff.toFixed(1)})`;
}

async function measure(name: string, make: () => Case): Promise<void> {
  const { service, topic, lead } = make();
  const config = { header: { version: 3 }, config: { bench: service } };
  // Ends the loop if the broker stops delivering (say, it dropped messages), rather than hang.
  await using reader = await new MessageReader({
    service: 'bench',
    config,
    consistency: 'AT_LEAST_ONCE',
    topics: topic,
    receiveTimeoutMs: 10_000,
  }).open();
  // Started once the reader is subscribed: a topic subscription misses what came before it.
  const writer = fork(WRITER, [JSON.stringify(config), topic, String(COUNT), String(lead)], {
    stdio: 'inherit',
  });
  const writerExit = once(writer, 'exit');

  const started = Date.now();
  let consumed = 0;
  let atCheckpoint: Memory = { rss: 0, live: 0, heap: 0 };
  for await (const _message of reader) {
    consumed++;
    // Once it has published them all the writer has left: nobody to tell.
    if (consumed % REPORT_EVERY === 0 && writer.connected) writer.send(consumed);
    // The slow part: one message per turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    if (consumed === CHECKPOINT) atCheckpoint = memory();
    if (consumed >= COUNT) break;
  }
  const seconds = (Date.now() - started) / 1000;
  if (consumed < COUNT) {
    console.log(`${name}: the broker stopped delivering after ${consumed}`);
    if (writer.connected) writer.disconnect();
  }
  const [code] = await writerExit;
  if (code !== 0) console.log(`${name}: the writer exited with code ${code}`);
  const atEnd = memory();
  const growth = atEnd.rss - atCheckpoint.rss;
  const young = process.execArgv.includes(YOUNG_GENERATION_PRESET) ? 'preset' : 'as V8 grows it';
  console.log(
    `${name.padEnd(11)} young generation ${young.padEnd(14)} lead ${String(lead).padStart(6)} | ` +
      `after ${CHECKPOINT} / ${consumed}: ` +
      `${change('RSS', atCheckpoint.rss, atEnd.rss)}, ` +
      `${change('live', atCheckpoint.live, atEnd.live)}, ` +
      `${change('V8 heap', atCheckpoint.heap, atEnd.heap)} | ` +
      `RSS growth ${growth < RSS_BOUND_MB ? 'under' : 'NOT under'} ${RSS_BOUND_MB} MB | ` +
      `${Math.round(consumed / seconds)} msg/s`,
  );
}

if (process.argv[3] === MEASURE) {
  const name = process.argv[4] as string;
  const make = CASES[name];
  if (!make) throw new Error(`no broker "${name}": one of ${Object.keys(CASES).join(', ')}`);
  await measure(name, make);
} else {
  if (!(globalThis as { gc?: unknown }).gc)
    console.log('(run with --expose-gc for steadier figures)');
  const chosen = process.argv.slice(3);
  for (const name of chosen) {
    if (!CASES[name])
      throw new Error(`no broker "${name}": one of ${Object.keys(CASES).join(', ')}`);
  }
  for (const name of Object.keys(CASES)) {
    if (chosen.length > 0 && !chosen.includes(name)) continue;
    for (const flags of [[], [YOUNG_GENERATION_PRESET]]) {
      const script = process.argv[1] as string;
      const args = [...process.execArgv, ...flags, script, String(COUNT), MEASURE, name];
      spawnSync(process.execPath, args, { stdio: 'inherit' });
    }
  }
}
