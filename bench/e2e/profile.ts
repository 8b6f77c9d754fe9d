/**
 * Where the time goes: ours (or `--raw`) end to end on one target (default MQTT,
 * AT_MOST_ONCE, 1 KiB, windowed) under the V8 CPU profiler, self time summed by whose code it
 * is. `npm run bench:profile [-- --target kafka --consistency AT_LEAST_ONCE --seconds 10
 * --raw --folded FILE]`; writes the .cpuprofile (open it in Chrome DevTools or speedscope for
 * the flame graph) to the temp directory, with `--folded` the folded stacks a flame graph
 * renderer takes (`inferno-flamegraph < FILE > flame.svg`), and prints the shares as Markdown.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Consistency, TARGETS } from './targets.js';
import { foldedStacks, frameName, profileSlice, shares } from './time-shares.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      target: { type: 'string', default: 'mqtt' },
      consistency: { type: 'string', default: 'AT_MOST_ONCE' },
      size: { type: 'string', default: '1024' },
      seconds: { type: 'string', default: '8' },
      raw: { type: 'boolean', default: false },
      // Folded stacks for a flame graph: `inferno-flamegraph < FILE > flame.svg`.
      folded: { type: 'string' },
    },
  });
  const target = TARGETS.find((t) => t.protocol === values.target || t.name === values.target);
  if (!target) throw new Error(`no target "${values.target}"`);
  const side = values.raw ? 'raw' : 'ours';
  const {
    throughput: t,
    profile,
    usPerMessage,
  } = await profileSlice(
    target,
    values.consistency as Consistency,
    Number(values.size),
    Number(values.seconds) * 1000,
    side,
  );
  const file = join(tmpdir(), `sinetstream-${side}-${target.protocol}-${Date.now()}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  if (values.folded) writeFileSync(values.folded, foldedStacks(profile));
  console.log(
    `${side}, ${target.name}, ${values.consistency}, ${values.size} B, window ${target.window}: ` +
      `${Math.round(t.messages / t.seconds)} msg/s, ${t.cpuUsPerMessage.toFixed(1)} µs CPU/msg`,
  );
  console.log('\n| whose code | µs per message |\n|---|---|');
  for (const [owner, us] of usPerMessage) {
    if (us >= 0.05) console.log(`| ${owner} | ${us.toFixed(2)} |`);
  }
  console.log('\n| function (self time) | share |\n|---|---|');
  for (const [name, share] of shares(profile, frameName).slice(0, 20)) {
    console.log(`| ${name} | ${(share * 100).toFixed(1)} % |`);
  }
  console.log(`\nprofile: ${file}`);
}

await main();
