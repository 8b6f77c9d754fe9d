import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Admin, FindCoordinatorKeyTypes } from '@platformatic/kafka';
import { isListeningAt } from '../../support/net.js';

/** What scripts/kafka-cluster/setup.sh starts: node n (1..3) listens on 19092 + 100*(n-1). */
export const NODES = [1, 2, 3] as const;
export const address = (node: number) => `127.0.0.1:${19092 + 100 * (node - 1)}`;
export const CLUSTER = NODES.map(address);

const repo = resolve(import.meta.dirname, '../../..');
const brokersDir = process.env.SINETSTREAM_BROKERS_DIR ?? resolve(repo, '.brokers');
const SETUP = resolve(repo, 'scripts/kafka-cluster/setup.sh');

/** Fails (never skips) when a node of the cluster is not there, saying how to start it. */
export async function requireCluster(): Promise<void> {
  const states = await Promise.all(CLUSTER.map(isListeningAt));
  const missing = CLUSTER.filter((_, i) => !states[i]);
  if (missing.length > 0) {
    throw new Error(
      `no Kafka cluster node on ${missing.join(', ')}: run scripts/kafka-cluster/setup.sh first`,
    );
  }
}

/** The pid of node `node`'s broker, if it runs (the pid file names a Kafka JVM of that node,
 * as scripts/kafka/setup.sh checks too, so a stale file never gets another process killed). */
async function pidOf(node: number): Promise<number | undefined> {
  try {
    const dir = resolve(brokersDir, `kafka/cluster/node${node}`);
    const pid = Number((await readFile(resolve(dir, 'kafka.pid'), 'utf8')).trim());
    const command = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return command.includes('kafka.Kafka') && command.includes(dir) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > deadline) throw new Error(`kafka pid ${pid} still alive after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The node's pid; undefined when it is down. A node that answers without a pid here was
 * started from another checkout, and stopping it from this one would silently do nothing. */
async function controlledPid(node: number): Promise<number | undefined> {
  const pid = await pidOf(node);
  if (pid === undefined && (await isListeningAt(address(node)))) {
    throw new Error(
      `Kafka node ${node} (${address(node)}) runs, but not from ${brokersDir}: run scripts/stop-brokers.sh, then scripts/kafka-cluster/setup.sh from this checkout`,
    );
  }
  return pid;
}

/** Crashes a node: SIGKILL, no controlled shutdown, no flush. */
export async function killNode(node: number): Promise<void> {
  const pid = await controlledPid(node);
  if (pid === undefined) return;
  process.kill(pid, 'SIGKILL');
  await waitGone(pid, 10_000);
}

/** Stops a node as an operator would (SIGTERM: controlled shutdown, leadership moves away). */
export async function stopNode(node: number): Promise<void> {
  const pid = await controlledPid(node);
  if (pid === undefined) return;
  process.kill(pid, 'SIGTERM');
  await waitGone(pid, 60_000);
}

/**
 * Starts every node that is not running and resolves once all three list three live brokers
 * (the setup script is idempotent, so this restarts exactly the nodes that were stopped).
 */
export async function startCluster(): Promise<void> {
  await promisify(execFile)('bash', [SETUP], { timeout: 120_000 });
}

async function withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({ clientId: 'sinetstream-failover-admin', bootstrapBrokers: CLUSTER });
  try {
    return await use(admin);
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** A one-partition topic on all three nodes; a write needs two in-sync replicas. With
 * `leader`, that node is its first (preferred) replica, and leads it once this resolves. */
export async function createReplicatedTopic(topic: string, leader?: number): Promise<void> {
  await withAdmin(async (admin) => {
    const configs = [{ name: 'min.insync.replicas', value: '2' }];
    if (leader === undefined) {
      await admin.createTopics({ topics: [topic], partitions: 1, replicas: 3, configs });
      return;
    }
    const brokers = [leader, ...NODES.filter((n) => n !== leader)];
    await admin.createTopics({
      topics: [topic],
      assignments: [{ partition: 0, brokers }],
      configs,
    });
  });
  if (leader === undefined) return;
  const deadline = Date.now() + 10_000;
  while ((await partitionState(topic)).leader !== leader) {
    if (Date.now() > deadline) throw new Error(`node ${leader} does not lead ${topic}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The partition's leader, replicas and in-sync replicas, as the cluster reports them now. */
export function partitionState(
  topic: string,
): Promise<{ leader: number; replicas: number[]; isr: number[] }> {
  return withAdmin(async (admin) => {
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
    const partition = metadata.topics.get(topic)?.partitions[0];
    if (!partition) throw new Error(`no metadata for topic ${topic}`);
    return { leader: partition.leader, replicas: partition.replicas, isr: partition.isr };
  });
}

/** A new consumer group id and the node that coordinates it. */
export function newGroup(prefix: string): Promise<{ group: string; coordinator: number }> {
  return withAdmin(async (admin) => {
    const group = `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const [found] = await admin.findCoordinator({
      keyType: FindCoordinatorKeyTypes.GROUP,
      keys: [group],
    });
    if (!found) throw new Error(`no coordinator for group ${group}`);
    return { group, coordinator: found.nodeId };
  });
}

/** Resolves once every partition in the cluster has all its replicas in sync again. */
export async function waitInSync(ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const lagging = await withAdmin(async (admin) => {
      const topics = await admin.listTopics({ includeInternals: true });
      const metadata = await admin.metadata({ topics, forceUpdate: true });
      let count = 0;
      for (const topic of metadata.topics.values())
        for (const p of topic?.partitions ?? []) if (p.isr.length < p.replicas.length) count++;
      return count;
    });
    if (lagging === 0) return;
    if (Date.now() > deadline) throw new Error(`${lagging} partitions still under-replicated`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Stops every node cleanly (SIGTERM), all at once; resolves when none is running. */
export async function stopAll(): Promise<void> {
  await Promise.all(NODES.map((node) => stopNode(node)));
}

/** Deletes the topics tests made on the cluster (named by helpers.ts and the conformance
 * suite), so that its restarts do not slow down run after run with more logs to open. */
export function deleteTestTopics(): Promise<void> {
  return withAdmin(async (admin) => {
    const topics = (await admin.listTopics()).filter((t) => /^sinetstream-(it|conf)-/.test(t));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  });
}
