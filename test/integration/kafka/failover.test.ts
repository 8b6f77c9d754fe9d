/**
 * What a user of a Kafka cluster notices when brokers fail, through the public API, on the
 * three-node cluster of scripts/kafka-cluster/setup.sh (replication factor 3,
 * min.insync.replicas 2). The tests share the cluster and run in order; each leaves it whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, MessageReader, MessageWriter } from '../../../src/index.js';
import { runConformanceSuite } from '../../../src/testing/index.js';
import {
  CLUSTER,
  createReplicatedTopic,
  deleteTestTopics,
  killNode,
  newGroup,
  requireCluster,
  startCluster,
  stopAll,
  waitInSync,
} from './cluster.js';
import { newTopic } from './helpers.js';

let present = false;
beforeAll(async () => {
  await requireCluster();
  present = true;
});
afterAll(async () => {
  if (!present) return;
  // Whatever a test did to the nodes, the cluster is whole again for whoever comes next.
  await startCluster();
  await deleteTestTopics();
}, 120_000);

const SERVICE = 'cluster';
const BROKERS = CLUSTER.join(',');

function config(topic: string, typeSpec: Record<string, unknown> = {}) {
  const service = {
    type: 'kafka',
    brokers: BROKERS,
    topic,
    consistency: 'AT_LEAST_ONCE',
    value_type: 'text',
    type_spec: typeSpec,
  };
  return { header: { version: 3 }, config: { [SERVICE]: service } };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Publishes this many messages at once every TICK_MS: a steady stream, several in flight. */
const BURST = 5;
const TICK_MS = 10;

/** A writer publishing a numbered stream, and what became of each publish. */
class Stream {
  readonly resolved = new Set<string>();
  readonly rejected: string[] = [];
  readonly pending: Promise<void>[] = [];
  resolvedAfterKill = 0;
  longestWait = 0;
  #lastResolved = Date.now();
  #count = 0;

  constructor(
    readonly sink: MessageWriter<string>,
    readonly prefix: string,
  ) {}

  publish(killed: boolean): void {
    const value = `${this.prefix}${this.#count++}`;
    this.pending.push(
      this.sink.publish(value).then(
        () => {
          this.resolved.add(value);
          if (killed) this.resolvedAfterKill++;
          this.longestWait = Math.max(this.longestWait, Date.now() - this.#lastResolved);
          this.#lastResolved = Date.now();
        },
        (error: Error) => {
          this.rejected.push(`${value}: ${error.name}: ${error.message}`);
        },
      ),
    );
  }
}

describe('kafka on a 3-node cluster: failover', () => {
  it('loses no resolved publish when the partition leader (and group coordinator) is killed mid-stream', async () => {
    // The node that coordinates the reader's group also leads the topic's partition: killing
    // it takes both from the reader at once, and the writers' leader too.
    const { group, coordinator: leader } = await newGroup('sinetstream-failover');
    const topic = newTopic('failover');
    await createReplicatedTopic(topic, leader);
    const source = await new MessageReader<string>({
      service: SERVICE,
      config: config(topic, { group_id: group, auto_offset_reset: 'earliest' }),
    }).open();
    const received: string[] = [];
    let readError: unknown;
    const reading = (async () => {
      for await (const message of source) received.push(message.value);
    })().catch((error: unknown) => {
      readError = error;
    });
    // AT_LEAST_ONCE as the file says, and EXACTLY_ONCE (the idempotent producer) beside it.
    const streams = [
      new Stream(
        await new MessageWriter<string>({ service: SERVICE, config: config(topic) }).open(),
        'a',
      ),
      new Stream(
        await new MessageWriter<string>({
          service: SERVICE,
          config: config(topic),
          consistency: 'EXACTLY_ONCE',
        }).open(),
        'e',
      ),
    ];

    let killed = false;
    let restarting: Promise<void> | undefined;
    try {
      const started = Date.now();
      while (streams.some((s) => s.resolvedAfterKill < 100)) {
        for (let b = 0; b < BURST; b++) for (const stream of streams) stream.publish(killed);
        if (!killed && Date.now() - started > 1000) {
          await killNode(leader);
          killed = true;
        }
        // Once the streams flow again, the node comes back and catches up meanwhile.
        if (!restarting && streams.every((s) => s.resolvedAfterKill > 0))
          restarting = startCluster();
        expect(Date.now() - started, 'publishing did not resume after the failover').toBeLessThan(
          40_000,
        );
        await sleep(TICK_MS);
      }
      await Promise.all(streams.flatMap((s) => s.pending));
      for (const s of streams)
        console.log(
          `failover (${s.prefix}): killed node ${leader}; ${s.pending.length} publishes; ` +
            `none resolved for ${s.longestWait} ms`,
        );
      const deadline = Date.now() + 20_000;
      const allSeen = () => {
        const seen = new Set(received);
        return streams.every((s) => [...s.resolved].every((v) => seen.has(v)));
      };
      while (Date.now() < deadline && !allSeen()) await sleep(200);
    } finally {
      for (const s of streams) await s.sink.close();
      await source.close();
      await reading;
      await (restarting ?? startCluster());
    }

    const counts = new Map<string, number>();
    for (const value of received) counts.set(value, (counts.get(value) ?? 0) + 1);
    for (const s of streams) {
      // Publishing went on: the writers rode out the election instead of failing publishes.
      expect(s.rejected).toEqual([]);
      expect(s.resolvedAfterKill).toBeGreaterThanOrEqual(100);
      // Every message whose publish resolved was received. Some may come twice: a batch
      // sent again after its ack was lost (which AT_LEAST_ONCE allows).
      const missing = [...s.resolved].filter((v) => !counts.has(v));
      expect(missing, `${missing.length} of ${s.resolved.size} resolved publishes lost`).toEqual(
        [],
      );
      const twice = [...s.resolved].filter((v) => (counts.get(v) ?? 0) > 1).length;
      console.log(`failover (${s.prefix}): ${s.resolved.size} resolved, ${twice} received twice`);
    }
    // The reader survived the loss of its fetch leader and group coordinator.
    expect(readError).toBeUndefined();
    // Nothing arrives that was never published.
    expect([...counts.keys()].filter((v) => !/^[ae]\d+$/.test(v))).toEqual([]);
  }, 90_000);
});

/** How open and publish failed while every node was down (recorded by the restart case). */
let outage: { publish: unknown; openWriter: unknown; openReader: unknown } | undefined;

/** The error `what` rejected with; undefined if it resolved. */
function outcome(what: Promise<unknown>): Promise<unknown> {
  return what.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/**
 * Restarts the whole cluster: every node stopped cleanly at once, then all started again.
 * A full restart rather than a rolling one, because it is the case that reaches the client:
 * in a rolling restart some node always answers and leadership moves away before a node
 * stops (a gentler form of the crash above), while here every connection the open reader and
 * writer have breaks, the reader must reconnect after a total outage, and what was written
 * before must come back from disk. While the nodes are down, it also records what a user
 * trying to publish or to open a reader or writer sees then.
 */
async function restartWholeCluster(): Promise<void> {
  const topic = newTopic('down');
  await createReplicatedTopic(topic);
  await using probe = await new MessageWriter<string>({
    service: SERVICE,
    config: config(topic),
  }).open();
  await probe.publish('connected');
  await stopAll();
  const [publish, openWriter, openReader] = await Promise.all([
    outcome(probe.publish('while down')),
    outcome(new MessageWriter<string>({ service: SERVICE, config: config(topic) }).open()),
    outcome(new MessageReader<string>({ service: SERVICE, config: config(topic) }).open()),
  ]);
  outage = { publish, openWriter, openReader };
  await startCluster();
  await waitInSync();
}

/** The shared suite on the cluster, with its AT_LEAST_ONCE restart case enabled. */
runConformanceSuite({
  name: 'kafka on a 3-node cluster (scripts/kafka-cluster/setup.sh)',
  service: { type: 'kafka', brokers: BROKERS },
  features: {
    ordering: true,
    persistence: true,
    seek: true,
    consumerGroup: (group) => ({ group_id: group }),
    identity: (id) => ({ typeSpec: { group_id: id, auto_offset_reset: 'earliest' } }),
    bufferSlack: 1100,
    headers: 'binary',
    restartBroker: restartWholeCluster,
  },
  quietMs: 2000,
});

describe('kafka on a 3-node cluster: all nodes down', () => {
  it('fails publish and open with ConnectionError, not hanging', () => {
    // Recorded during the conformance restart case above, while every node was down.
    expect(outage, 'the conformance restart case did not run').toBeDefined();
    if (!outage) return;
    const { publish, openWriter, openReader } = outage;
    // A hang would never get here: the restart case would time out instead.
    for (const error of [publish, openWriter, openReader]) {
      expect(error).toBeInstanceOf(ConnectionError);
    }
  });
});
