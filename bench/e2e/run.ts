/**
 * The run: per target and consistency, the sides opened once; per payload size, their
 * throughput slices alternating round by round, then sequential latency round trips, then
 * (Kafka) the broker's own perf tools. First, before all that, ours over a long run for RSS,
 * per broker in a process of its own (rss.ts), the brokers at the same time.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { createMessageEncoder } from '../../src/index.js';
import { consumerPerf, fetchKafkaTools, producerPerf, type ToolRate } from './kafka-perf.js';
import {
  END_TO_END_CAP,
  Inbox,
  latencyRun,
  type Send,
  type Throughput,
  throughputSlice,
} from './measure.js';
import { ours } from './ours.js';
import { type PythonSide, python } from './python.js';
import { type Endpoint, prepareQueue, raw, removeTopics } from './raw.js';
import type { RssResult } from './rss.js';
import { type Consistency, serviceOf, TARGETS, type Target, topicFor } from './targets.js';
import { profileSlice } from './time-shares.js';

export interface Plan {
  quick: boolean;
  sizes: readonly number[];
  consistencies: readonly Consistency[];
  /** Alternating rounds: each side gets one throughput slice per mode per round. */
  rounds: number;
  sliceMs: number;
  /** Round trips per side per round, for latency. */
  latencyPerRound: number;
  /** Records each perf tool sends or reads per case. */
  perfRecords: number;
  /** Messages of the long run whose RSS is reported. */
  rssMessages: number;
  /** Milliseconds of each profiled slice (ours and raw, 1 KiB, MQTT and Kafka); 0: none. */
  profileMs: number;
}

export const SIDES = [
  'ours seq',
  'raw seq',
  'python seq',
  'ours win',
  'raw win',
  'python win',
  'raw max',
] as const;
export type SideName = (typeof SIDES)[number];

export interface CaseResult {
  target: string;
  consistency: Consistency;
  size: number;
  window: number;
  /** Slices per side, in round order (the rounds alternate the sides). */
  throughput: Partial<Record<SideName, Throughput[]>>;
  /** Round-trip milliseconds, sequential, ours and raw. */
  latency: { ours: number[]; raw: number[] };
  /** Kafka's perf tools on the same broker (Kafka only). */
  limit?: { producer: ToolRate; consumer: ToolRate };
}

/** One profiled windowed slice: this process's time per message by whose code it is. */
export interface TimeShares {
  target: string;
  consistency: Consistency;
  size: number;
  side: 'ours' | 'raw';
  msgPerSecond: number;
  usPerMessage: [string, number][];
}

/** Where the run ran, as the report states it. */
export interface Machine {
  node: string;
  cpus: number;
  cpuModel: string;
  /** 1, 5 and 15 minute load averages at the end of the run. */
  loadavg: number[];
}

export interface Results {
  plan: Plan;
  machine: Machine;
  cases: CaseResult[];
  /** Per broker of the RSS run. */
  rss: RssResult[];
  profiles: TimeShares[];
  startedAt: Date;
  seconds: number;
}

/** What the progress bar is told. */
export interface Progress {
  total(steps: number): void;
  step(label: string): void;
}

/** Messages per slice at most, and bytes in flight bounded for 64 KiB. */
function maxPerSlice(size: number): number {
  return Math.max(200, Math.min(20_000, Math.floor(2 ** 26 / size)));
}

const WARMUP_MS = 100;

interface OpenSides {
  /** Every topic the sides and tools use, for the clean-up. */
  topics: string[];
  ours: Endpoint;
  raw: Endpoint;
  python: PythonSide | undefined;
  inboxes: { ours: Inbox; raw: Inbox };
  kafkaTopic: string;
}

async function openSides(target: Target, consistency: Consistency): Promise<OpenSides> {
  const inboxes = { ours: new Inbox(), raw: new Inbox() };
  const oursTopic = topicFor(target, 'ours', consistency);
  const rawTopic = topicFor(target, 'raw', consistency);
  const pythonTopic = topicFor(target, 'python', consistency);
  await prepareQueue(target, oursTopic);
  await prepareQueue(target, rawTopic);
  return {
    topics: [oursTopic, rawTopic, pythonTopic],
    ours: await ours(target, consistency, oursTopic, inboxes.ours),
    raw: await raw(target, consistency, rawTopic, inboxes.raw),
    python: target.python ? await python(target, consistency, pythonTopic) : undefined,
    inboxes,
    kafkaTopic: topicFor(target, 'perf', consistency),
  };
}

/** The bytes our writer adds around a payload of `size` (the SINETStream envelope). */
async function envelopeOverhead(target: Target, consistency: Consistency, size: number) {
  const config = { header: { version: 3 }, config: { bench: serviceOf(target, consistency) } };
  const encoder = await createMessageEncoder({ service: 'bench', config });
  return encoder.encode(new Uint8Array(size)).length - size;
}

/** The brokers of the RSS run: MQTT and Kafka, about 2 minutes each for a million messages. */
const RSS_TARGETS = TARGETS.filter((t) => t.protocol === 'mqtt' || t.protocol === 'kafka');

/** Steps the progress bar counts: each opening, slice, latency run, tool run, and RSS run. */
export function stepsOf(plan: Plan): number {
  let steps = RSS_TARGETS.length;
  if (plan.profileMs > 0) {
    steps +=
      TARGETS.filter((t) => PROFILED.includes(t.protocol)).length * plan.consistencies.length * 2;
  }
  for (const target of TARGETS) {
    const sides = target.python ? 7 : 5;
    const perSize = plan.rounds * (sides + 2) + (target.protocol === 'kafka' ? 1 : 0);
    steps += plan.consistencies.length * (1 + plan.sizes.length * perSize);
  }
  return steps;
}

export type { RssPoint, RssResult } from './rss.js';

export async function runAll(plan: Plan, progress: Progress): Promise<Results> {
  const startedAt = new Date();
  progress.total(stepsOf(plan));
  await fetchKafkaTools();
  // At the same time, each in its own process: a run's memory is its process's alone, and the
  // full bench stays within its 15 minutes.
  const rss = await Promise.all(RSS_TARGETS.map((target) => rssRun(plan, target, progress)));
  const cases: CaseResult[] = [];
  for (const target of TARGETS) {
    for (const consistency of plan.consistencies) {
      progress.step(`${target.name} ${consistency}: opening`);
      const sides = await openSides(target, consistency);
      try {
        for (const size of plan.sizes) {
          cases.push(await runCase(plan, target, consistency, size, sides, progress));
        }
      } finally {
        await sides.ours.close();
        await sides.raw.close();
        await sides.python?.close();
        await removeTopics(target, sides.topics);
      }
    }
  }
  const profiles = await profileRuns(plan, progress);
  return {
    plan,
    machine: {
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadavg: loadavg(),
    },
    cases,
    rss,
    profiles,
    startedAt,
    seconds: (Date.now() - startedAt.getTime()) / 1000,
  };
}

/** The targets whose time is profiled, ours and raw, at 1 KiB. */
const PROFILED = ['mqtt', 'kafka'];

async function profileRuns(plan: Plan, progress: Progress): Promise<TimeShares[]> {
  if (plan.profileMs === 0) return [];
  const profiles: TimeShares[] = [];
  const size = 1024;
  for (const target of TARGETS.filter((t) => PROFILED.includes(t.protocol))) {
    for (const consistency of plan.consistencies) {
      for (const side of ['ours', 'raw'] as const) {
        progress.step(`${target.name} ${consistency}: profiling ${side}`);
        const { throughput, usPerMessage } = await profileSlice(
          target,
          consistency,
          size,
          plan.profileMs,
          side,
        );
        profiles.push({
          target: target.name,
          consistency,
          size,
          side,
          msgPerSecond: throughput.messages / throughput.seconds,
          usPerMessage,
        });
      }
    }
  }
  return profiles;
}

async function runCase(
  plan: Plan,
  target: Target,
  consistency: Consistency,
  size: number,
  sides: OpenSides,
  progress: Progress,
): Promise<CaseResult> {
  const label = `${target.name} ${consistency} ${size} B`;
  const oursPayload = new Uint8Array(size).fill(0x61);
  const rawPayload = new Uint8Array(size + (await envelopeOverhead(target, consistency, size)));
  rawPayload.fill(0x61);
  const max = maxPerSlice(size);
  const { window } = target;
  type Slice = () => Promise<Throughput>;
  const node = (send: Send, inbox: Inbox, payload: Uint8Array, w: number, ms = plan.sliceMs) =>
    (() => throughputSlice(send, inbox, payload, w, ms, max)) as Slice;
  const slices: [SideName, Slice][] = [
    ['ours seq', node(sides.ours.sequential, sides.inboxes.ours, oursPayload, 1)],
    ['raw seq', node(sides.raw.sequential, sides.inboxes.raw, rawPayload, 1)],
    ['ours win', node(sides.ours.windowed, sides.inboxes.ours, oursPayload, window)],
    ['raw win', node(sides.raw.windowed, sides.inboxes.raw, rawPayload, window)],
    // The client with no window of its own: as many in flight as the harness lets through.
    ['raw max', node(sides.raw.windowed, sides.inboxes.raw, rawPayload, END_TO_END_CAP)],
  ];
  const py = sides.python;
  if (py) {
    slices.push(['python seq', () => py.slice('sequential', size, plan.sliceMs, max, 1)]);
    slices.push(['python win', () => py.slice('windowed', size, plan.sliceMs, max, window)]);
  }
  // Warm-up, untimed: JIT, buffers, the broker's queues.
  await node(sides.ours.windowed, sides.inboxes.ours, oursPayload, window, WARMUP_MS)();
  await node(sides.raw.windowed, sides.inboxes.raw, rawPayload, window, WARMUP_MS)();
  const result: CaseResult = {
    target: target.name,
    consistency,
    size,
    window,
    throughput: {},
    latency: { ours: [], raw: [] },
  };
  for (let round = 0; round < plan.rounds; round++) {
    // Every round starts with another side, so no side always follows the same one.
    for (let i = 0; i < slices.length; i++) {
      const [name, slice] = slices[(i + round) % slices.length]!;
      progress.step(`${label}: ${name}`);
      const taken = await slice();
      result.throughput[name] = [...(result.throughput[name] ?? []), taken];
    }
    const pair = [
      ['ours', sides.ours.sequential, sides.inboxes.ours, oursPayload],
      ['raw', sides.raw.sequential, sides.inboxes.raw, rawPayload],
    ] as const;
    for (const [name, send, inbox, payload] of round % 2 ? [...pair].reverse() : pair) {
      progress.step(`${label}: ${name} latency`);
      result.latency[name].push(...(await latencyRun(send, inbox, payload, plan.latencyPerRound)));
    }
  }
  if (target.protocol === 'kafka') {
    progress.step(`${label}: Kafka perf tools`);
    const topic = `${sides.kafkaTopic}-${size}`;
    sides.topics.push(topic);
    // At most 128 MiB through the broker's disk per case.
    const records = Math.min(plan.perfRecords, Math.floor(2 ** 27 / size));
    const producer = await producerPerf(target, consistency, topic, size, records);
    const consumer = await consumerPerf(target, topic, producer.messages);
    result.limit = { producer, consumer };
  }
  return result;
}

/** The RSS run (rss.ts) on `target`, in a child process with --expose-gc. */
async function rssRun(plan: Plan, target: Target, progress: Progress): Promise<RssResult> {
  progress.step(
    `RSS over ${plan.rssMessages.toLocaleString('en')} messages (ours, ${target.name})`,
  );
  const child = fork(
    new URL('./rss.ts', import.meta.url),
    [target.protocol, String(plan.rssMessages)],
    // Under tsx: its loader flags, so the child runs TypeScript too.
    {
      execArgv: [...process.execArgv, '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  let result: RssResult | undefined;
  child.on('message', (message) => {
    result = message as RssResult;
  });
  const [code] = await once(child, 'exit');
  if (!result)
    throw new Error(`bench: the RSS run on ${target.name} ended (code ${code}) with no result`);
  return result;
}
