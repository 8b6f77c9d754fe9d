/**
 * The long run for memory, in a process of its own (run.ts forks it with --expose-gc, so that
 * no earlier case has grown the heap, and a collection can be forced): ours on one target,
 * 1 KiB, AT_LEAST_ONCE, windowed, writer and reader in this process, for a number of
 * messages. At each checkpoint it takes RSS as the run left it, then forces a full
 * collection and takes what is still referenced: a leak grows that, while RSS also grows
 * with what V8 and the C allocator keep committed for later (V8's young generation, freed
 * Buffer memory). Sends the RssResult to the parent.
 *
 * `tsx --expose-gc bench/e2e/rss.ts <protocol> <messages>`
 */
import { Inbox, throughputSlice } from './measure.js';
import { ours } from './ours.js';
import { prepareQueue, removeTopics } from './raw.js';
import { TARGETS, topicFor } from './targets.js';

/** One checkpoint: bytes. */
export interface RssPoint {
  messages: number;
  /** Resident set size as the run left it, before the forced collection. */
  rss: number;
  /** After a full collection: V8 heap in use plus memory outside it that objects hold
   * (Buffers and other ArrayBuffers): what the program still references. */
  live: number;
  /** After that collection: what V8 has committed for its heap, used or not. */
  heapCommitted: number;
}

export interface RssResult {
  target: string;
  size: number;
  /** Messages received. */
  messages: number;
  seconds: number;
  /** The highest RSS seen (sampled every SAMPLE_EVERY messages). */
  peak: number;
  points: RssPoint[];
}

export const SIZE = 1024;
const SAMPLE_EVERY = 10_000;
/** The checkpoints, as far as the run goes: after warm-up, then every step of ten or so. */
const CHECKPOINTS = [10_000, 100_000, 500_000, 1_000_000];

function checkpoint(messages: number, gc: () => void): RssPoint {
  const rss = process.memoryUsage.rss();
  // Twice: memory that finalizers of the first let go is freed by the second.
  gc();
  gc();
  const m = process.memoryUsage();
  return { messages, rss, live: m.heapUsed + m.external, heapCommitted: m.heapTotal };
}

async function rssRun(protocol: string, total: number): Promise<RssResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('bench: rss.ts needs node --expose-gc');
  const target = TARGETS.find((t) => t.protocol === protocol);
  if (!target) throw new Error(`bench: no target "${protocol}"`);
  const inbox = new Inbox();
  const topic = topicFor(target, 'rss', 'AT_LEAST_ONCE');
  await prepareQueue(target, topic);
  const side = await ours(target, 'AT_LEAST_ONCE', topic, inbox);
  const payload = new Uint8Array(SIZE).fill(0x61);
  const wanted = new Set([...CHECKPOINTS.filter((c) => c < total), total]);
  const points: RssPoint[] = [];
  let peak = 0;
  const start = performance.now();
  try {
    for (let sent = 0; sent < total; ) {
      const step = Math.min(SAMPLE_EVERY, total - sent);
      await throughputSlice(side.windowed, inbox, payload, target.window, 60_000, step);
      sent += step;
      peak = Math.max(peak, process.memoryUsage.rss());
      if (wanted.has(sent)) points.push(checkpoint(inbox.received, gc));
    }
  } finally {
    await side.close();
    await removeTopics(target, [topic]);
  }
  const seconds = (performance.now() - start) / 1000;
  return { target: target.name, size: SIZE, messages: inbox.received, seconds, peak, points };
}

const [protocol = 'kafka', messages = '1000000'] = process.argv.slice(2);
const result = await rssRun(protocol, Number(messages));
if (process.send) process.send(result, () => process.disconnect());
else console.log(JSON.stringify(result, null, 2));
