/**
 * AMQP publish throughput: our MessageWriter against raw amqplib / rhea, same broker, same
 * run, on amqp-0.9.1 (RabbitMQ), amqp-1.0 (RabbitMQ's plugin) and amqp-1.0 (Artemis), for
 * payloads of 100 B, 1 KiB and 64 KiB. Needs scripts/rabbitmq/setup.sh and
 * scripts/artemis/setup.sh. Run: npx tsx bench/amqp.ts
 *
 * Both sides publish AT_LEAST_ONCE: a publish is done when the broker has confirmed it
 * (basic.ack on a confirm channel / the `accepted` outcome), persistent, to a durable queue.
 *   sequential: await every publish before the next (latency-bound);
 *   pipelined:  64 publishes in flight, each awaiting its own confirm.
 * "ours" is the public API (MessageWriter, inline config). "raw" does the same protocol work
 * by hand: the same queue, the same message properties our plugins set, and the very bytes
 * our writer puts on the wire (the payload in its SINETStream envelope, 26-27 bytes more), so
 * the ratio is our overhead alone, envelope encoding included: raw reuses one buffer, ours
 * allocates and fills a new one per publish, which shows at 64 KiB. MiB/s counts the payload.
 * After a warm-up the two sides alternate in short slices (each bounded in time and count),
 * so load from other processes on a shared machine falls on both alike. Between slices the
 * queue is emptied, untimed, so every slice starts on an empty queue and the brokers'
 * memory stays bounded (RabbitMQ here blocks publishers at 512 MiB).
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import amqp, { type Options } from 'amqplib';
import rhea, { type Connection } from 'rhea';
import { createMessageEncoder, MessageWriter } from '../src/index.js';
import { rheaPublisher } from './rhea-publisher.js';
import { timedSlice } from './slice.js';

const RABBITMQ = { host: '127.0.0.1', port: 5672 };
const ARTEMIS = { host: '127.0.0.1', port: 5682 };
const CREDENTIALS = { username: 'guest', password: 'guest' };
const SIZES = [100, 1024, 64 * 1024];
const SLICES = 16;
const SLICE_MS = 250;
const MAX_MESSAGES = 20_000; // per slice
const WARMUP = 200;
const WINDOW = 64;
/** How long a drain waits for one more message before deciding the queue is empty. */
const IDLE_MS = 1000;

/**
 * The queue both sides publish to, as our amqp-0.9.1 writer declares a topic's queue on the
 * default exchange (durable, not exclusive, not auto-delete). x-expires only removes it should
 * the run die before deleting it.
 */
const QUEUE_ARGUMENTS = { 'x-expires': 10 * 60_000 };
const RABBIT_QUEUE: Options.AssertQueue = {
  durable: true,
  exclusive: false,
  autoDelete: false,
  arguments: QUEUE_ARGUMENTS,
};

/** One publisher: sends its (fixed) message and resolves once the broker confirmed it. */
interface Side {
  send(): Promise<void>;
  close(): Promise<void>;
}

/** Creates, empties and removes the queues a broker's comparisons publish to. */
interface Queues {
  create(): Promise<string>;
  /** Drops the `count` messages the last slice left there. */
  empty(queue: string, count: number): Promise<void>;
  remove(queue: string): Promise<void>;
  close(): Promise<void>;
}

/** A broker and protocol, with our config for it and the equivalent raw client. */
interface Target {
  name: string;
  type: 'amqp-0.9.1' | 'amqp-1.0';
  broker: { host: string; port: number };
  typeSpec: Record<string, unknown>;
  raw(queue: string, wire: Buffer): Promise<Side>;
  queues(): Promise<Queues>;
}

const TARGETS: Target[] = [
  {
    name: 'RabbitMQ 0.9.1',
    type: 'amqp-0.9.1',
    broker: RABBITMQ,
    // The writer declares the queue itself: with these arguments it matches RABBIT_QUEUE.
    typeSpec: { ...CREDENTIALS, queue_arguments: QUEUE_ARGUMENTS },
    raw: (queue, wire) => rawAmqplib(queue, wire),
    queues: rabbitQueues,
  },
  {
    name: 'RabbitMQ 1.0',
    type: 'amqp-1.0',
    broker: RABBITMQ,
    // RabbitMQ 3.x: /amq/queue/NAME is an existing queue (rabbitQueues declares it).
    typeSpec: { ...CREDENTIALS, address_prefix: '/amq/queue/' },
    raw: (queue, wire) => rawRhea(RABBITMQ, `/amq/queue/${queue}`, wire),
    queues: rabbitQueues,
  },
  {
    name: 'Artemis 1.0',
    type: 'amqp-1.0',
    broker: ARTEMIS,
    typeSpec: { ...CREDENTIALS },
    raw: (queue, wire) => rawRhea(ARTEMIS, queue, wire),
    queues: artemisQueues,
  },
];

function serviceConfig(target: Target) {
  const { host, port } = target.broker;
  const service = {
    type: target.type,
    brokers: `${host}:${port}`,
    consistency: 'AT_LEAST_ONCE',
    type_spec: target.typeSpec,
  };
  return { header: { version: 3 }, config: { bench: service } };
}

/** Ours: what a user writes. Every publish encodes the envelope (with a fresh timestamp). */
async function ours(target: Target, queue: string, payload: Uint8Array): Promise<Side> {
  const config = serviceConfig(target);
  const writer = await new MessageWriter({ service: 'bench', config, topic: queue }).open();
  return { send: () => writer.publish(payload), close: () => writer.close() };
}

/** The bytes our writer sends for `payload`, for the raw side to send. */
async function wireBytes(target: Target, payload: Uint8Array): Promise<Buffer> {
  const encoder = await createMessageEncoder({ service: 'bench', config: serviceConfig(target) });
  return Buffer.from(encoder.encode(payload));
}

function amqpUrl(): Options.Connect {
  const { host: hostname, port } = RABBITMQ;
  return { protocol: 'amqp', hostname, port, vhost: '/', ...CREDENTIALS };
}

/**
 * Raw amqplib, as src/plugins/amqp091/writer.ts does it: a confirm channel, the queue
 * declared on open, the default exchange, and per message persistent, not mandatory, a
 * message id and a timestamp in seconds; Nagle off as in connection.ts.
 */
async function rawAmqplib(queue: string, wire: Buffer): Promise<Side> {
  const model = await amqp.connect(amqpUrl(), { noDelay: true });
  const channel = await model.createConfirmChannel();
  await channel.assertQueue(queue, RABBIT_QUEUE);
  let sequence = 0;
  return {
    send: () =>
      new Promise<void>((resolve, reject) => {
        const properties: Options.Publish = {
          persistent: true,
          mandatory: false,
          messageId: String(++sequence),
          timestamp: Math.floor(Date.now() / 1000),
        };
        channel.publish('', queue, wire, properties, (err) => (err ? reject(err) : resolve()));
      }),
    close: async () => {
      await channel.close();
      await model.close();
    },
  };
}

function rheaConnect(broker: { host: string; port: number }): Connection {
  return rhea.create_container().connect({ ...broker, ...CREDENTIALS });
}

/**
 * Raw rhea, as src/plugins/amqp10/writer.ts does it: one sender link (unsettled, auto-settle
 * on the outcome) to the address with the `queue` capability; a publish waits for link
 * credit, sends a durable message with `to` and `creation_time` and the bytes in one data
 * section, and resolves on `accepted`.
 */
async function rawRhea(
  broker: { host: string; port: number },
  address: string,
  wire: Buffer,
): Promise<Side> {
  const connection = rheaConnect(broker);
  const publish = await rheaPublisher(connection, address, false);
  const body = rhea.message.data_section(wire);
  return {
    send: () => publish(body),
    close: async () => {
      connection.close();
      await once(connection, 'connection_close');
    },
  };
}

/** RabbitMQ: a fresh queue per comparison, purged between slices, deleted at the end. */
async function rabbitQueues(): Promise<Queues> {
  const model = await amqp.connect(amqpUrl());
  const channel = await model.createChannel();
  return {
    create: async () => {
      const queue = `sinetstream-bench-${randomUUID().slice(0, 8)}`;
      await channel.assertQueue(queue, RABBIT_QUEUE);
      return queue;
    },
    empty: async (queue) => {
      await channel.purgeQueue(queue);
    },
    remove: async (queue) => {
      await channel.deleteQueue(queue);
    },
    close: () => model.close(),
  };
}

/**
 * Artemis: scripts/artemis/Broker.java neither auto-deletes queues nor lets guest manage the
 * broker, so no client can delete a queue. One fixed queue is used instead, drained by a
 * consumer between slices and left empty, so nothing piles up from run to run.
 */
async function artemisQueues(): Promise<Queues> {
  const connection = rheaConnect(ARTEMIS);
  await once(connection, 'connection_open');
  const queue = 'sinetstream-bench';
  return {
    create: async () => {
      await drain(connection, queue); // whatever an interrupted run left
      return queue;
    },
    empty: async (name, count) => {
      const got = await drain(connection, name, count);
      if (got < count) console.warn(`${name}: drained ${got} of ${count} messages`);
    },
    remove: async () => {},
    close: async () => {
      connection.close();
      await once(connection, 'connection_close');
    },
  };
}

/** Consumes (and accepts) `count` messages, or until none came for IDLE_MS; returns how many. */
async function drain(connection: Connection, address: string, count = Infinity): Promise<number> {
  const receiver = connection.open_receiver({
    source: { address, capabilities: ['queue'] },
    credit_window: 1000,
  });
  let got = 0;
  await new Promise<void>((resolve) => {
    let idle = setTimeout(resolve, IDLE_MS);
    receiver.on('message', () => {
      clearTimeout(idle);
      if (++got >= count) resolve();
      else idle = setTimeout(resolve, IDLE_MS);
    });
  });
  receiver.close();
  await once(receiver, 'receiver_close');
  return got;
}

/** Messages per second of both sides, alternating short slices so both see the same load. */
async function compare(target: Target, queues: Queues, size: number, window: number) {
  const payload = new Uint8Array(size).fill(0x61);
  const queue = await queues.create();
  const sides = {
    ours: await ours(target, queue, payload),
    raw: await target.raw(queue, await wireBytes(target, payload)),
  };
  const totals = { ours: { sent: 0, seconds: 0 }, raw: { sent: 0, seconds: 0 } };
  try {
    for (const side of Object.values(sides)) {
      for (let i = 0; i < WARMUP; i++) await side.send();
      await queues.empty(queue, WARMUP);
    }
    for (let round = 0; round < SLICES; round++) {
      // Who goes first alternates too, so neither always runs right after a drain.
      const order = round % 2 === 0 ? (['raw', 'ours'] as const) : (['ours', 'raw'] as const);
      for (const name of order) {
        const { sent, seconds } = await timedSlice(
          sides[name].send,
          window,
          SLICE_MS,
          MAX_MESSAGES,
        );
        totals[name].sent += sent;
        totals[name].seconds += seconds;
        await queues.empty(queue, sent);
      }
    }
  } finally {
    await Promise.all(Object.values(sides).map((side) => side.close()));
    await queues.remove(queue);
  }
  return {
    ours: totals.ours.sent / totals.ours.seconds,
    raw: totals.raw.sent / totals.raw.seconds,
  };
}

const fmt = (n: number, digits = 0) => n.toFixed(digits).padStart(10);
const mib = (rate: number, size: number) => (rate * size) / 2 ** 20;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

console.log(
  `AT_LEAST_ONCE publish, ${SLICES} alternating slices of ${SLICE_MS} ms per side; load ${load()}`,
);
console.log(
  'broker          pattern     size  ours msg/s   raw msg/s  ours MiB/s   raw MiB/s  ours/raw',
);
for (const target of TARGETS) {
  const queues = await target.queues();
  try {
    for (const [pattern, window] of [
      ['sequential', 1],
      ['pipelined', WINDOW],
    ] as const) {
      for (const size of SIZES) {
        const rate = await compare(target, queues, size, window);
        console.log(
          `${target.name.padEnd(15)} ${pattern.padEnd(10)} ${String(size).padStart(6)} ${fmt(rate.ours)}  ${fmt(rate.raw)}  ${fmt(mib(rate.ours, size), 1)}  ${fmt(mib(rate.raw, size), 1)}      ${(rate.ours / rate.raw).toFixed(2)}`,
        );
      }
    }
  } finally {
    await queues.close();
  }
}
console.log(`load ${load()}`);
