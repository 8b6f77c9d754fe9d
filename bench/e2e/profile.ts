/**
 * Where the reader's time goes: ours end to end on one target (default MQTT, AT_MOST_ONCE,
 * 1 KiB, windowed) under the V8 CPU profiler, self time summed by whose code it is (ours in
 * src/, the client library and other packages in node_modules, Node's own, and idle: this
 * process waiting on the broker). `npm run bench:profile [-- --target kafka --consistency
 * AT_LEAST_ONCE --seconds 10 --raw]`; writes the .cpuprofile (open it in Chrome DevTools or
 * speedscope for the flame graph) to the temp directory and prints the shares as Markdown.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Inbox, throughputSlice } from './measure.js';
import { ours } from './ours.js';
import { prepareQueue, raw } from './raw.js';
import { type Consistency, TARGETS, topicFor } from './targets.js';

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Whose code a frame is. */
function ownerOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (functionName === '(idle)') return 'idle (waiting on the broker, the network)';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)') return 'V8 and Node native code';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `package ${pkg[1]}`;
  if (url.includes('/src/')) return 'ours (src/)';
  if (url.includes('/bench/')) return 'bench harness';
  if (url.startsWith('node:') || url === '') return 'Node built-ins';
  return url;
}

/** Self time by `key` of the sampled frame, as shares of the whole, largest first. */
function shares(profile: Profile, key: (node: ProfileNode) => string): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const owner = key(byId.get(id)!);
    const dt = profile.timeDeltas[i] ?? 0;
    totals.set(owner, (totals.get(owner) ?? 0) + dt);
    all += dt;
  });
  return [...totals].map(([k, v]) => [k, v / all] as [string, number]).sort((a, b) => b[1] - a[1]);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      target: { type: 'string', default: 'mqtt' },
      consistency: { type: 'string', default: 'AT_MOST_ONCE' },
      size: { type: 'string', default: '1024' },
      seconds: { type: 'string', default: '8' },
      raw: { type: 'boolean', default: false },
    },
  });
  const target = TARGETS.find((t) => t.protocol === values.target || t.name === values.target);
  if (!target) throw new Error(`no target "${values.target}"`);
  const consistency = values.consistency as Consistency;
  const side = values.raw ? 'raw' : 'ours';
  const topic = topicFor(target, `profile-${side}`, consistency);
  await prepareQueue(target, topic);
  const inbox = new Inbox();
  const endpoint = await (values.raw ? raw : ours)(target, consistency, topic, inbox);
  const payload = new Uint8Array(Number(values.size)).fill(0x61);
  await throughputSlice(endpoint.windowed, inbox, payload, target.window, 500, 20_000); // warm-up
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const t = await throughputSlice(
    endpoint.windowed,
    inbox,
    payload,
    target.window,
    Number(values.seconds) * 1000,
    Number.MAX_SAFE_INTEGER,
  );
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  session.disconnect();
  await endpoint.close();
  const file = join(tmpdir(), `sinetstream-${side}-${target.protocol}-${Date.now()}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  console.log(
    `${side}, ${target.name}, ${consistency}, ${values.size} B, window ${target.window}: ` +
      `${Math.round(t.messages / t.seconds)} msg/s, ${t.cpuUsPerMessage.toFixed(1)} µs CPU/msg`,
  );
  console.log('\n| whose code | share of samples |\n|---|---|');
  for (const [owner, share] of shares(profile, ownerOf)) {
    if (share >= 0.005) console.log(`| ${owner} | ${(share * 100).toFixed(1)} % |`);
  }
  const frame = ({ callFrame }: ProfileNode) =>
    `${callFrame.functionName || '(anonymous)'} ${callFrame.url.replace(/^.*\/(node_modules|src)\//, '$1/')}`;
  console.log('\n| function (self time) | share |\n|---|---|');
  for (const [name, share] of shares(profile, frame).slice(0, 20)) {
    console.log(`| ${name} | ${(share * 100).toFixed(1)} % |`);
  }
  console.log(`\nprofile: ${file}`);
}

await main();
