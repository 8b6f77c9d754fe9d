/**
 * End-to-end benchmark: `npm run bench` (about 10 minutes) or `npm run bench -- --quick`
 * (under 2). Needs the test brokers (scripts/setup-brokers.sh), the Python venv
 * (scripts/python/setup.sh), java and mvn. Writes bench/results/<date>.md with charts (the
 * quick run writes to the system's temp directory) and shows progress on stderr. Timings
 * never fail it: only a broker or tool that does not answer does.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { ratioLines, writeReport } from './report.js';
import { type Plan, type Progress, runAll } from './run.js';

const QUICK: Plan = {
  quick: true,
  sizes: [1024],
  consistencies: ['AT_MOST_ONCE', 'AT_LEAST_ONCE'],
  rounds: 1,
  sliceMs: 100,
  latencyPerRound: 50,
  perfRecords: 5_000,
  rssMessages: 10_000,
  profileMs: 0,
};

const FULL: Plan = {
  quick: false,
  sizes: [100, 1024, 64 * 1024],
  consistencies: ['AT_MOST_ONCE', 'AT_LEAST_ONCE'],
  rounds: 3,
  sliceMs: 400,
  latencyPerRound: 400,
  perfRecords: 50_000,
  rssMessages: 1_000_000,
  profileMs: 3000,
};

function progressBar(): Progress & { stop(): void } {
  const bar = new SingleBar({
    format: 'bench [{bar}] {percentage}% {value}/{total} | {duration_formatted} | {label}',
    stream: process.stderr,
    hideCursor: true,
    // Redrawn on every step, terminal or not, so CI logs show where a run stands.
    noTTYOutput: true,
    notTTYSchedule: 5000,
  });
  return {
    total: (steps) => bar.start(steps, 0, { label: 'starting' }),
    step: (label) => bar.increment({ label }),
    stop: () => bar.stop(),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, out: { type: 'string' } },
  });
  const plan = values.quick ? QUICK : FULL;
  const dir =
    values.out ??
    (plan.quick
      ? join(tmpdir(), 'sinetstream-bench')
      : new URL('../results/', import.meta.url).pathname);
  const progress = progressBar();
  let results: Awaited<ReturnType<typeof runAll>>;
  try {
    results = await runAll(plan, progress);
  } finally {
    progress.stop();
  }
  const name = results.startedAt.toISOString().slice(0, 10);
  const path = await writeReport(results, dir, plan.quick ? `quick-${name}` : name);
  console.log(ratioLines(results).join('\n'));
  console.log(`report: ${path}`);
}

await main();
