/**
 * What tracing costs on the message path: a writer and a reader on the memory broker (no
 * network, so the library's own work is all there is), 100-byte messages, each publish
 * awaited and read back, in three kinds of child process alternating slice by slice:
 *
 * - `absent`: `@opentelemetry/api` cannot be resolved (as in a program without it);
 * - `api`: the API is installed, no SDK registered (every tracer is a no-op);
 * - `sdk`: a tracer provider with a span processor that drops every span, the W3C
 *   propagator, and a meter provider: everything is recorded and then thrown away.
 *
 * `npx tsx bench/tracing-cost.ts [slices] [ms]` (default 7 slices of 2000 ms per kind); prints
 * each kind's median messages/s and its ratio to `absent`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

type Kind = 'absent' | 'api' | 'sdk';
const KINDS: readonly Kind[] = ['absent', 'api', 'sdk'];

async function child(kind: Kind, ms: number): Promise<number> {
  const block = kind === 'absent' ? ['--import', './test/support/block-opentelemetry.ts'] : [];
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', ...block, import.meta.filename, '--child', kind, String(ms)],
    { cwd: `${import.meta.dirname}/..` },
  );
  return Number(stdout.trim());
}

async function registerSdk(): Promise<void> {
  const { metrics, propagation, trace } = await import('@opentelemetry/api');
  const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
  const { TracerProvider } = await import('@opentelemetry/sdk-trace');
  const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
  const dropAll = {
    onStart: () => undefined,
    onEnd: () => undefined,
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [dropAll] }));
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  metrics.setGlobalMeterProvider(new MeterProvider());
}

/** Messages per second through one writer and one reader for `ms`. */
async function measure(kind: Kind, ms: number): Promise<number> {
  if (kind === 'sdk') await registerSdk();
  const { MessageReader, MessageWriter } = await import('../src/index.js');
  const service = { noConfig: true, type: 'memory', brokers: `cost-${kind}`, topic: 't' } as const;
  await using writer = await new MessageWriter({ ...service }).open();
  await using reader = await new MessageReader({ ...service, topics: 't' }).open();
  const messages = reader[Symbol.asyncIterator]();
  const payload = new Uint8Array(100).fill(0x61);
  const run = async (until: number) => {
    let count = 0;
    while (performance.now() < until) {
      await writer.publish(payload);
      await messages.next();
      count++;
    }
    return count;
  };
  await run(performance.now() + 300); // warm-up: JIT and first imports
  const start = performance.now();
  const count = await run(start + ms);
  return count / ((performance.now() - start) / 1000);
}

const median = (values: number[]) => values.toSorted((a, b) => a - b)[values.length >> 1]!;

if (process.argv[2] === '--child') {
  process.stdout.write(`${await measure(process.argv[3] as Kind, Number(process.argv[4]))}\n`);
} else {
  const slices = Number(process.argv[2] ?? 7);
  const ms = Number(process.argv[3] ?? 2000);
  const rates: Record<Kind, number[]> = { absent: [], api: [], sdk: [] };
  for (let slice = 0; slice < slices; slice++) {
    for (const kind of slice % 2 === 0 ? KINDS : KINDS.toReversed()) {
      rates[kind].push(await child(kind, ms));
    }
  }
  const base = median(rates.absent);
  for (const kind of KINDS) {
    const rate = median(rates[kind]);
    console.log(
      `${kind.padEnd(7)} ${Math.round(rate).toLocaleString('en').padStart(8)} msg/s  ${(rate / base).toFixed(3)} of absent`,
    );
  }
}
