/**
 * Kafka publish throughput (messages/s and MiB/s) for 100 B, 1 KiB and 64 KiB payloads, on one
 * broker in one run, of:
 *   ours:   SINETStream's MessageWriter (this package);
 *   raw:    the @platformatic/kafka Producer it runs on, sending the same bytes;
 *   python: the Python SINETStream 1.10 MessageWriter (bench/python/kafka_writer.py, in the venv
 *           of scripts/python/setup.sh), sequential rows only.
 * It prints ours/raw (goal >= 0.97, >= 0.90 at 100 B) and ours/python (goal >= 3).
 * Needs scripts/kafka/setup.sh and scripts/python/setup.sh. Run: npx tsx bench/kafka.ts
 *
 * Everything runs at AT_LEAST_ONCE: ours and raw with acks from all in-sync replicas (what our
 * AT_LEAST_ONCE sends), Python with acks from the leader (what upstream's sends); on this
 * single broker the two wait for the same thing. Two patterns:
 *   sequential: await every publish before the next (latency-bound);
 *   pipelined:  64 publishes in flight (MessageWriter.publish is allowed to overlap).
 * Python's synchronous publish waits for each ack (sinetstream-kafka's KafkaWriter.publish
 * calls .get() on the send future), so it is only comparable with the sequential pattern.
 * After a warm-up, the sides alternate in short slices (each bounded in time and count), so
 * load from other processes on a shared machine falls on all of them alike. Connection set-up
 * is never timed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { ProduceAcks, Producer } from '@platformatic/kafka';
import { MessageWriter } from '../src/index.js';
import { timedSlice } from './slice.js';

const BROKER = process.env.SINETSTREAM_KAFKA_BROKER ?? '127.0.0.1:9092';
const REPO = resolve(import.meta.dirname, '..');
const VENV = process.env.SINETSTREAM_PY_VENV ?? join(REPO, '.venv/sinetstream');
const PYTHON = join(VENV, 'bin/python');
const PY_WRITER = join(REPO, 'bench/python/kafka_writer.py');
const SIZES = [100, 1024, 64 * 1024];
const SLICES = 8;
const SLICE_MS = 500;
const MAX_MESSAGES = 200_000;
const WARMUP = 200;
const WINDOW = 64;

type Name = 'ours' | 'raw' | 'python';
type Send = (payload: Uint8Array) => Promise<void>;
interface Tally {
  sent: number;
  seconds: number;
}
interface Side {
  /** Publishes for about `ms` with `window` publishes in flight. */
  run(window: number, ms: number): Promise<Tally>;
  close(): Promise<void>;
}

/** A side in this process; the warm-up also creates the topic, outside the timed slices. */
async function nodeSide(send: Send, close: () => Promise<void>, size: number): Promise<Side> {
  const payload = new Uint8Array(size).fill(0x61);
  for (let i = 0; i < WARMUP; i++) await send(payload);
  return { run: (window, ms) => timedSlice(() => send(payload), window, ms, MAX_MESSAGES), close };
}

async function ours(topic: string, size: number): Promise<Side> {
  // Our default consistency is AT_MOST_ONCE (acks 0), as upstream's; the bench needs acks.
  const service = { type: 'kafka', brokers: BROKER, consistency: 'AT_LEAST_ONCE' };
  const config = { header: { version: 3 }, config: { bench: service } };
  const writer = await new MessageWriter({ service: 'bench', config, topic }).open();
  return nodeSide(
    (p) => writer.publish(p),
    () => writer.close(),
    size,
  );
}

async function raw(topic: string, size: number): Promise<Side> {
  const producer = new Producer({
    clientId: `bench-raw-${randomUUID()}`,
    bootstrapBrokers: [BROKER],
  });
  await producer.metadata({ topics: [topic], autocreateTopics: true });
  const send: Send = async (p) => {
    await producer.send({ messages: [{ topic, value: Buffer.from(p) }], acks: ProduceAcks.ALL });
  };
  return nodeSide(send, () => producer.close(), size);
}

function checkPython(): void {
  if (!existsSync(PYTHON)) {
    throw new Error(
      `no SINETStream Python venv at ${VENV}: run \`bash scripts/python/setup.sh\` first (it installs sinetstream==1.10.0 and sinetstream-kafka==1.10.0 from PyPI)`,
    );
  }
}

/** One line of JSON from the Python writer, or an error naming its exit status. */
function lineReader(child: ChildProcess): () => Promise<unknown> {
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = once(child, 'close');
  return async () => {
    const next = await lines.next();
    if (next.done) {
      const [code] = await exited;
      throw new Error(`${PY_WRITER} exited with status ${code} (its stderr is above)`);
    }
    return JSON.parse(next.value);
  };
}

/** The Python writer keeps its connection across slices; it warms up before answering ready. */
async function python(topic: string, size: number): Promise<Side> {
  const args = [PY_WRITER, BROKER, topic, String(size), String(WARMUP)];
  const child = spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const readLine = lineReader(child);
  await readLine(); // {"ready": true}
  return {
    run: async (window, ms) => {
      if (window !== 1) throw new Error('the Python writer only publishes sequentially');
      child.stdin!.write(`${JSON.stringify({ ms, max: MAX_MESSAGES })}\n`);
      const { messages, seconds } = (await readLine()) as { messages: number; seconds: number };
      return { sent: messages, seconds };
    },
    close: async () => {
      const exited = once(child, 'close');
      child.stdin!.end();
      await exited;
    },
  };
}

const FACTORIES: Record<Name, (topic: string, size: number) => Promise<Side>> = {
  ours,
  raw,
  python,
};

/** Messages per second of each named side, alternating short slices so all see the same load. */
async function compare(size: number, window: number, names: readonly Name[]) {
  const topic = (name: Name) => `sinetstream-bench-${name}-${size}-${randomUUID().slice(0, 8)}`;
  const sides = new Map<Name, Side>();
  const totals = new Map<Name, Tally>(names.map((name) => [name, { sent: 0, seconds: 0 }]));
  try {
    for (const name of names) sides.set(name, await FACTORIES[name](topic(name), size));
    for (let round = 0; round < SLICES; round++) {
      for (const name of names) {
        const { sent, seconds } = await sides.get(name)!.run(window, SLICE_MS);
        const total = totals.get(name)!;
        total.sent += sent;
        total.seconds += seconds;
      }
    }
  } finally {
    await Promise.all([...sides.values()].map((side) => side.close()));
  }
  const rates: Partial<Record<Name, number>> = {};
  for (const [name, { sent, seconds }] of totals) rates[name] = sent / seconds;
  return rates;
}

const fmt = (n: number | undefined, digits = 0) =>
  (n === undefined ? '-' : n.toFixed(digits)).padStart(10);
const mib = (rate: number | undefined, size: number) =>
  rate === undefined ? undefined : (rate * size) / 2 ** 20;

function ratioCell(ours: number, other: number | undefined, goal: number): string {
  if (other === undefined) return '-'.padStart(4).padEnd(12);
  const ratio = ours / other;
  return `${ratio.toFixed(2).padStart(4)} ${ratio >= goal ? 'ok' : `< ${goal}`}`.padEnd(12);
}

function printRow(pattern: string, size: number, rate: Partial<Record<Name, number>>): void {
  const names: Name[] = ['ours', 'raw', 'python'];
  const ours = rate.ours!;
  console.log(
    [
      pattern.padEnd(10),
      String(size).padStart(6),
      ...names.map((n) => fmt(rate[n])),
      ...names.map((n) => fmt(mib(rate[n], size), 1)),
      '',
      ratioCell(ours, rate.raw, size <= 100 ? 0.9 : 0.97),
      ratioCell(ours, rate.python, 3),
    ]
      .join(' ')
      .trimEnd(),
  );
}

checkPython();
console.log(`Kafka at ${BROKER}; ${SLICES} alternating slices of ${SLICE_MS} ms per side`);
console.log(
  'pattern      size  ours msg/s  raw msg/s   py msg/s  ours MiB/s  raw MiB/s   py MiB/s  ours/raw     ours/py',
);
for (const [pattern, window, names] of [
  ['sequential', 1, ['raw', 'ours', 'python']],
  ['pipelined', WINDOW, ['raw', 'ours']],
] as const) {
  for (const size of SIZES) printRow(pattern, size, await compare(size, window, names));
}
