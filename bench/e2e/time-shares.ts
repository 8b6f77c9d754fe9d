/**
 * Where a side's time goes end to end: one windowed slice under the V8 CPU profiler, its
 * samples summed by whose code they are (ours in src/ or dist/, each package in
 * node_modules, Node's own, the garbage collector, idle: this process waiting on the broker).
 */
import { Session } from 'node:inspector/promises';
import { Inbox, type Throughput, throughputSlice } from './measure.js';
import { ours } from './ours.js';
import { prepareQueue, raw } from './raw.js';
import type { Consistency, Target } from './targets.js';
import { topicFor } from './targets.js';

export interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Whose code a frame is. */
export function ownerOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (functionName === '(idle)') return 'idle (waiting on the broker, the network)';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)') return 'V8 and Node native code';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `package ${pkg[1]}`;
  if (/\/(src|dist)\//.test(url)) return 'ours (SINETStream)';
  if (url.includes('/bench/')) return 'bench harness';
  if (url.startsWith('node:') || url === '') return 'Node built-ins';
  return url;
}

/** A frame as a person reads it: the function, and its file from the package or repo root. */
export function frameName({ callFrame }: ProfileNode): string {
  const where = callFrame.url.replace(/^.*\/(node_modules|src|dist|bench)\//, '$1/');
  return `${callFrame.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
}

/** Self time by `key` of the sampled frame, as shares of the whole, largest first. */
export function shares(
  profile: CpuProfile,
  key: (node: ProfileNode) => string,
): [string, number][] {
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

/**
 * The profile as folded stacks (`root;caller;frame weight`, one line per distinct stack,
 * weight in µs), the input of flame graph renderers such as inferno-flamegraph or
 * flamegraph.pl.
 */
export function foldedStacks(profile: CpuProfile): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const weights = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    weights.set(id, (weights.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const lines: string[] = [];
  for (const [id, weight] of weights) {
    const frames: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at)!;
      if (node.callFrame.functionName !== '(root)')
        frames.push(frameName(node).replaceAll(';', ','));
    }
    lines.push(`${frames.reverse().join(';')} ${Math.round(weight)}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface ProfiledSlice {
  side: 'ours' | 'raw';
  throughput: Throughput;
  profile: CpuProfile;
  /** Microseconds of this process's time per message, by owner (shares of the slice's time). */
  usPerMessage: [string, number][];
}

/** Opens `side` on `target`, warms it up, and profiles one windowed slice of `ms`. */
export async function profileSlice(
  target: Target,
  consistency: Consistency,
  size: number,
  ms: number,
  side: 'ours' | 'raw',
): Promise<ProfiledSlice> {
  const topic = topicFor(target, `profile-${side}`, consistency);
  await prepareQueue(target, topic);
  const inbox = new Inbox();
  const endpoint = await (side === 'raw' ? raw : ours)(target, consistency, topic, inbox);
  try {
    const payload = new Uint8Array(size).fill(0x61);
    await throughputSlice(endpoint.windowed, inbox, payload, target.window, 500, 20_000);
    const session = new Session();
    session.connect();
    try {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      const throughput = await throughputSlice(
        endpoint.windowed,
        inbox,
        payload,
        target.window,
        ms,
        Number.MAX_SAFE_INTEGER,
      );
      const { profile } = (await session.post('Profiler.stop')) as unknown as {
        profile: CpuProfile;
      };
      const usPerMessage = (throughput.seconds * 1e6) / Math.max(1, throughput.messages);
      return {
        side,
        throughput,
        profile,
        usPerMessage: shares(profile, ownerOf).map(([owner, share]) => [
          owner,
          share * usPerMessage,
        ]),
      };
    } finally {
      session.disconnect();
    }
  } finally {
    await endpoint.close();
  }
}
