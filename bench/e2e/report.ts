/** The Markdown report, its charts beside it, and a short text summary for the terminal. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { latencyChart, throughputChart } from './charts.js';
import { END_TO_END_CAP } from './measure.js';
import type { Results, RssResult, SideName } from './run.js';
import { type CaseSummary, summarize } from './summary.js';

const MIB = 2 ** 20;

const num = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '–';
const ratio = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');
const sizeLabel = (size: number) => (size >= 1024 ? `${size / 1024} KiB` : `${size} B`);
const short = (c: string) => (c === 'AT_MOST_ONCE' ? 'AMO' : 'ALO');

/** ours/raw must reach this at `size` (the issue's goals). */
const rawGoal = (size: number) => (size >= 1024 ? 0.95 : 0.9);
const mark = (ok: boolean | undefined) => (ok === undefined ? '' : ok ? ' ✓' : ' ✗');

function ratioTable(summaries: readonly CaseSummary[]): string[] {
  const lines = [
    '| broker | cons. | size | window | ours/raw win | ours/raw seq | ours/Python win | ours/Python seq | ours/Kafka tool | ours win/raw max | p99 ours/raw |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of summaries) {
    const { result, ratios, latency } = s;
    const p99 = latency.ours.p99 / latency.raw.p99;
    lines.push(
      `| ${result.target} | ${short(result.consistency)} | ${sizeLabel(result.size)} | ${result.window} ` +
        `| ${ratio(ratios.raw)}${mark(Number.isFinite(ratios.raw) ? ratios.raw >= rawGoal(result.size) : undefined)} ` +
        `| ${ratio(ratios.rawSequential)} ` +
        `| ${ratio(ratios.python)} | ${ratio(ratios.pythonSequential)} ` +
        `| ${ratio(ratios.limit)}${mark(Number.isFinite(ratios.limit) && result.size === 1024 ? ratios.limit >= 0.8 : undefined)} ` +
        `| ${ratio(ratios.rawMax)} ` +
        `| ${ratio(p99)}${mark(result.size === 1024 && Number.isFinite(p99) ? p99 <= 1.1 : undefined)} |`,
    );
  }
  return lines;
}

const SIDE_ORDER: SideName[] = [
  'ours seq',
  'raw seq',
  'python seq',
  'ours win',
  'raw win',
  'python win',
  'raw max',
];

function throughputTable(summaries: readonly CaseSummary[]): string[] {
  const lines = [
    '| broker | cons. | size | side | msg/s | MiB/s | CPU µs/msg | lost |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const s of summaries) {
    const { result } = s;
    for (const side of SIDE_ORDER) {
      const f = s.sides[side];
      if (!f) continue;
      lines.push(
        `| ${result.target} | ${short(result.consistency)} | ${sizeLabel(result.size)} | ${side} ` +
          `| ${num(f.msgPerSecond)} | ${num(f.mibPerSecond, 1)} | ${num(f.cpuUsPerMessage, 1)} | ${f.lost} |`,
      );
    }
    if (result.limit) {
      const { producer, consumer } = result.limit;
      lines.push(
        `| ${result.target} | ${short(result.consistency)} | ${sizeLabel(result.size)} | Kafka ProducerPerformance ` +
          `| ${num(producer.msgPerSecond)} | ${num((producer.msgPerSecond * result.size) / MIB, 1)} | | |`,
        `| ${result.target} | ${short(result.consistency)} | ${sizeLabel(result.size)} | Kafka ConsumerPerformance ` +
          `| ${num(consumer.msgPerSecond)} | ${num((consumer.msgPerSecond * result.size) / MIB, 1)} | | |`,
      );
    }
  }
  return lines;
}

function latencyTable(summaries: readonly CaseSummary[]): string[] {
  const lines = [
    '| broker | cons. | size | ours p50 | ours p99 | ours p99.9 | raw p50 | raw p99 | raw p99.9 | samples |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { result, latency } of summaries) {
    const { ours, raw } = latency;
    lines.push(
      `| ${result.target} | ${short(result.consistency)} | ${sizeLabel(result.size)} ` +
        `| ${num(ours.p50, 3)} | ${num(ours.p99, 3)} | ${num(ours.p999, 3)} ` +
        `| ${num(raw.p50, 3)} | ${num(raw.p99, 3)} | ${num(raw.p999, 3)} | ${result.latency.ours.length} |`,
    );
  }
  return lines;
}

/**
 * Per profiled slice, µs of this process's time per message by whose code: the gap between
 * ours and raw, line by line.
 */
function timeSharesSection(profiles: Results['profiles']): string[] {
  if (profiles.length === 0) return [];
  const owners = [...new Set(profiles.flatMap((p) => p.usPerMessage.map(([owner]) => owner)))];
  const us = (p: Results['profiles'][number], owner: string) =>
    p.usPerMessage.find(([o]) => o === owner)?.[1] ?? 0;
  owners.sort((a, b) => profiles.reduce((t, p) => t + us(p, b) - us(p, a), 0));
  const head = profiles.map((p) => `${p.target} ${short(p.consistency)} ${p.side}`);
  const lines = [
    '## Where the time goes',
    '',
    'One windowed slice per side at 1 KiB under the V8 CPU profiler (`npm run bench:profile` ' +
      'runs one alone and writes its .cpuprofile, a flame graph in Chrome DevTools or speedscope): ' +
      "µs of this process's time per message (writer and reader together), by whose code the " +
      'sampled frame is. The profiler itself slows every side alike.',
    '',
    `| whose code | ${head.join(' | ')} |`,
    `|---|${head.map(() => '---').join('|')}|`,
  ];
  for (const owner of owners) {
    if (profiles.every((p) => us(p, owner) < 0.05)) continue;
    lines.push(`| ${owner} | ${profiles.map((p) => num(us(p, owner), 2)).join(' | ')} |`);
  }
  const total = (p: Results['profiles'][number]) => p.usPerMessage.reduce((t, [, v]) => t + v, 0);
  lines.push(`| **all** | ${profiles.map((p) => `**${num(total(p), 2)}**`).join(' | ')} |`);
  lines.push(`| msg/s | ${profiles.map((p) => num(p.msgPerSecond)).join(' | ')} |`, '');
  return lines;
}

/**
 * Writes `<dir>/<name>.md`, and its charts and the run's figures (results.json) in
 * `<dir>/<name>/`; returns the report's path. `notes` (Markdown) goes at the end: what
 * bounds the goals not met.
 */
export async function writeReport(
  results: Results,
  dir: string,
  name: string,
  notes = '',
): Promise<string> {
  const summaries = results.cases.map(summarize);
  const chartDir = join(dir, name);
  mkdirSync(chartDir, { recursive: true });
  writeFileSync(join(chartDir, 'throughput.svg'), await throughputChart(summaries));
  writeFileSync(join(chartDir, 'latency.svg'), await latencyChart(summaries));
  // Figures to the thousandth (a µs of latency): the file stays a few hundred KB.
  const rounded = (_key: string, value: unknown) =>
    typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
  writeFileSync(join(chartDir, 'results.json'), JSON.stringify(results, rounded));
  const { plan, rss, machine } = results;
  const md = [
    `# End-to-end benchmark, ${results.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `\`npm run bench${plan.quick ? ' -- --quick' : ''}\`: ${num(results.seconds)} s on Node ${machine.node}, ` +
      `${machine.cpus} CPUs (${machine.cpuModel}), load average at the end ${machine.loadavg
        .map((l) => l.toFixed(1))
        .join(' ')}. ` +
      'The machine is shared with other work: figures move from run to run, so each ratio is the median of ' +
      `ratios of slices run back to back (${plan.rounds} rounds of ${plan.sliceMs} ms slices, the sides alternating).`,
    '',
    'End to end: from the first publish of a slice until the reader has every message of it, ' +
      `with at most ${END_TO_END_CAP} messages sent and not yet received on every side (more, and ` +
      'Mosquitto drops messages for a subscriber that lags, even at QoS 1). ' +
      '*ours* = the build in dist/: MessageWriter (seq: one publish at a time) or AsyncMessageWriter (win: the window ' +
      'of publishes in flight) into a MessageReader; *raw* = the client library our plugin wraps ' +
      '(MQTT.js, @platformatic/kafka, amqplib, rhea) with the same settings and payloads as long as ' +
      'ours on the wire; *Python* = SINETStream 1.10 (MessageWriter / AsyncMessageWriter and a ' +
      'MessageReader thread); *Kafka tool* = `ProducerPerformance` with the same acks and no window ' +
      'limit (ours/Kafka tool compares our windowed end-to-end rate with it); *raw max* = the raw ' +
      `client with no window of its own (${END_TO_END_CAP} in flight, all the harness lets through). CPU µs/msg is this ` +
      'process (writer and reader both). ✓/✗: the goal for that cell (ours/raw ≥ 0.95 from 1 KiB, ' +
      '≥ 0.90 at 100 B; ours ≥ 0.8 of the Kafka tool at 1 KiB; p99 ours ≤ 1.1 × raw at 1 KiB).',
    '',
    '## Ratios',
    '',
    ...ratioTable(summaries),
    '',
    '## Throughput',
    '',
    `![throughput by payload size](${name}/throughput.svg)`,
    '',
    ...throughputTable(summaries),
    '',
    '## Latency (ms, sequential round trips, send time stamped in the payload)',
    '',
    `![latency percentiles](${name}/latency.svg)`,
    '',
    ...latencyTable(summaries),
    '',
    '## Memory',
    '',
    `Ours (writer and reader in one process of its own per broker, the brokers at the same time), ${sizeLabel(rss[0]?.size ?? 0)}, ` +
      `AT_LEAST_ONCE, windowed, ${num(plan.rssMessages)} messages. At each checkpoint: RSS as the run ` +
      'left it; then, after a forced full collection, *live* (V8 heap in use plus the Buffers and other ' +
      'memory outside it that objects hold: what the program still references; a leak grows it) and ' +
      'what V8 has committed for its heap. RSS counts more than live memory: V8 doubles its young ' +
      'generation while a steady stream of messages keeps objects surviving (up to 2 × 64 MiB of semi-spaces ' +
      'with Node 24 on a machine this size; `--max-semi-space-size` bounds it), and the C allocator (glibc) ' +
      'keeps the memory of freed Buffers (socket reads, messages) mapped for reuse rather than give it back ' +
      'to the system. Goal: RSS after the last checkpoint within 50 MB of RSS after the first.',
    '',
    ...memoryTable(rss),
    '',
    ...memoryVerdicts(rss),
    '',
    ...timeSharesSection(results.profiles),
    notes,
  ].join('\n');
  const path = join(dir, `${name}.md`);
  writeFileSync(path, md);
  return path;
}

/** Live memory growing by more than this over the RSS run is taken for a leak. */
const LEAK_MIB = 5;

function memoryTable(runs: readonly RssResult[]): string[] {
  const lines = [
    '| broker | after messages | RSS MiB | live after GC MiB | V8 heap committed MiB |',
    '|---|---|---|---|---|',
  ];
  for (const run of runs) {
    for (const p of run.points) {
      lines.push(
        `| ${run.target} | ${num(p.messages)} | ${num(p.rss / MIB, 1)} | ${num(p.live / MIB, 1)} ` +
          `| ${num(p.heapCommitted / MIB, 1)} |`,
      );
    }
  }
  return lines;
}

function memoryVerdicts(runs: readonly RssResult[]): string[] {
  return runs.map((run) => {
    const first = run.points[0];
    const last = run.points.at(-1);
    if (!first || !last || first === last) return `- ${run.target}: too short a run to compare.`;
    const rss = (last.rss - first.rss) / MIB;
    const live = (last.live - first.live) / MIB;
    const heap = (last.heapCommitted - first.heapCommitted) / MIB;
    return (
      `- ${run.target}, ${num(run.messages)} messages in ${num(run.seconds)} s: RSS ` +
      `${num(first.rss / MIB, 1)} → ${num(last.rss / MIB, 1)} MiB (growth ${num(rss, 1)} MiB` +
      `${mark(rss <= 50)}, peak ${num(run.peak / MIB, 1)} MiB); live ${num(live, 1)} MiB` +
      ` (${live <= LEAK_MIB ? 'no leak ✓' : 'growing ✗'}); V8 heap committed ${num(heap, 1)} MiB.`
    );
  });
}

/** The ratios, one line per case, for the terminal. */
export function ratioLines(results: Results): string[] {
  return ratioTable(results.cases.map(summarize));
}
