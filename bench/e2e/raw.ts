/**
 * Raw: the client library each plugin wraps, with the settings our plugin uses, sending
 * payloads as long as our messages on the wire (payload plus envelope), and a reader that
 * hands each payload to the inbox.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import {
  Admin,
  Consumer,
  FetchIsolationLevels,
  type Message as KafkaMessage,
  ProduceAcks,
  Producer,
} from '@platformatic/kafka';
import amqp, { type Channel, type ConsumeMessage } from 'amqplib';
import mqtt from 'mqtt';
import rhea, { type ConnectionOptions, type EventContext } from 'rhea';
import { rheaPublisher } from '../rhea-publisher.js';
import type { Inbox, Send } from './measure.js';
import { type Consistency, CREDENTIALS, QUEUE_ARGUMENTS, type Target } from './targets.js';

/** A writer and reader pair on one topic, open. */
export interface Endpoint {
  /** Publishes one at a time (MessageWriter on our side). */
  sequential: Send;
  /** Publishes with others in flight (AsyncMessageWriter on our side). */
  windowed: Send;
  close(): Promise<void>;
}

/** Our Kafka writer's default batch_size. */
const BATCH_BYTES = 16_384;
/** Our Kafka reader's default max_partition_fetch_bytes (kafka-python's). */
const READER_PARTITION_BYTES = 1_048_576;
/** Our Kafka writer's default max_in_flight_requests_per_connection (kafka-python's). */
const MAX_INFLIGHT = 5;

/** As many unacknowledged messages as our readers hold by default (max_unacked_messages). */
const PREFETCH = 100;

export function raw(
  target: Target,
  consistency: Consistency,
  topic: string,
  inbox: Inbox,
): Promise<Endpoint> {
  const open = { mqtt: rawMqtt, kafka: rawKafka, 'amqp-0.9.1': rawAmqplib, 'amqp-1.0': rawRhea };
  return open[target.protocol](target, consistency, topic, inbox);
}

async function rawMqtt(
  target: Target,
  consistency: Consistency,
  topic: string,
  inbox: Inbox,
): Promise<Endpoint> {
  const qos = consistency === 'AT_MOST_ONCE' ? 0 : 1;
  const url = `mqtt://${target.host}:${target.port}`;
  const reader = await mqtt.connectAsync(url, { reconnectPeriod: 0 }, false);
  reader.on('message', (_topic, payload) => inbox.take(payload));
  await reader.subscribeAsync(topic, { qos });
  const writer = await mqtt.connectAsync(url, { reconnectPeriod: 0 }, false);
  // As our plugin does at each connect.
  for (const client of [reader, writer]) (client.stream as Socket).setNoDelay(true);
  const send: Send = async (payload) => {
    await writer.publishAsync(
      topic,
      Buffer.from(payload.buffer, payload.byteOffset, payload.length),
      { qos },
    );
  };
  return {
    sequential: send,
    windowed: send,
    close: async () => {
      await writer.endAsync();
      await reader.endAsync();
    },
  };
}

async function rawKafka(
  target: Target,
  consistency: Consistency,
  topic: string,
  inbox: Inbox,
): Promise<Endpoint> {
  const bootstrapBrokers = [`${target.host}:${target.port}`];
  const producer = new Producer({ clientId: `${topic}-writer`, bootstrapBrokers });
  await producer.metadata({ topics: [topic], autocreateTopics: true });
  // Our reader's consumer settings: kafka-python's 1 MiB per partition in a fetch, not the
  // client's 50 MB; read_uncommitted below EXACTLY_ONCE; nothing committed (our reader commits
  // only for a group_id the service names, and the bench names none).
  const consumer = new Consumer({
    clientId: `${topic}-reader`,
    groupId: `${topic}-group`,
    bootstrapBrokers,
    maxBytesPerPartition: READER_PARTITION_BYTES,
    isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED,
  });
  const stream = await consumer.consume({ topics: [topic], mode: 'latest', autocommit: false });
  stream.on('data', (message: KafkaMessage<Buffer, Buffer, Buffer, Buffer>) =>
    inbox.take(message.value),
  );
  await once(stream, 'offsets');
  // Our writer's acks: none at AT_MOST_ONCE, all replicas otherwise.
  const acks = consistency === 'AT_MOST_ONCE' ? ProduceAcks.NO_RESPONSE : ProduceAcks.ALL;
  const sequential: Send = async (payload) => {
    await producer.send({ messages: [{ topic, value: Buffer.from(payload) }], acks });
  };
  return {
    sequential,
    windowed: batching(producer, topic, acks),
    close: async () => {
      await producer.close();
      await stream.close();
      await consumer.close(true);
    },
  };
}

/**
 * Our Kafka writer's batching with its defaults: publishes wait until the current turn of the
 * event loop has made its publishes (process.nextTick), then go in requests of up to
 * BATCH_BYTES, at most MAX_INFLIGHT of them out at once; what comes meanwhile waits for the
 * next free one (linger_ms 0).
 */
function batching(
  producer: Producer<Buffer, Buffer, Buffer, Buffer>,
  topic: string,
  acks: number,
): Send {
  const queued: { value: Buffer; done: PromiseWithResolvers<void> }[] = [];
  let inflight = 0;
  let scheduled = false;
  const sendOne = async () => {
    // Up to our writer's batch_size (16 KiB), at least one message.
    let bytes = 0;
    let take = 0;
    while (
      take < queued.length &&
      (take === 0 || bytes + queued[take]!.value.length <= BATCH_BYTES)
    ) {
      bytes += queued[take]!.value.length;
      take++;
    }
    const batch = queued.splice(0, take);
    try {
      await producer.send({ messages: batch.map(({ value }) => ({ topic, value })), acks });
      for (const { done } of batch) done.resolve();
    } catch (error) {
      for (const { done } of batch) done.reject(error);
    }
  };
  const sendQueued = () => {
    scheduled = false;
    while (inflight < MAX_INFLIGHT && queued.length > 0) {
      inflight++;
      void sendOne().finally(() => {
        inflight--;
        if (queued.length > 0) schedule();
      });
    }
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    process.nextTick(sendQueued);
  };
  return (payload) => {
    const done = Promise.withResolvers<void>();
    queued.push({ value: Buffer.from(payload), done });
    schedule();
    return done.promise;
  };
}

/**
 * amqplib as our amqp-0.9.1 plugin uses it: the queue named by the topic on the default
 * exchange; AT_LEAST_ONCE with a confirm channel, persistent messages and acks, AT_MOST_ONCE
 * without.
 */
async function rawAmqplib(
  target: Target,
  consistency: Consistency,
  topic: string,
  inbox: Inbox,
): Promise<Endpoint> {
  const ack = consistency === 'AT_LEAST_ONCE';
  const url = { hostname: target.host, port: target.port, ...CREDENTIALS };
  const readerModel = await amqp.connect(url, { noDelay: true });
  const readerChannel = await readerModel.createChannel();
  await readerChannel.assertQueue(topic, { durable: true, arguments: QUEUE_ARGUMENTS });
  await readerChannel.prefetch(PREFETCH);
  const consumeChannel: Channel = readerChannel;
  await readerChannel.consume(
    topic,
    (message: ConsumeMessage | null) => {
      if (!message) return;
      inbox.take(message.content);
      if (ack) consumeChannel.ack(message);
    },
    { noAck: !ack },
  );
  const writerModel = await amqp.connect(url, { noDelay: true });
  const writer = ack ? await writerModel.createConfirmChannel() : await writerModel.createChannel();
  let sequence = 0;
  const send: Send = (payload) =>
    new Promise<void>((resolve, reject) => {
      const properties = {
        persistent: ack,
        mandatory: false,
        messageId: String(++sequence),
        timestamp: Math.floor(Date.now() / 1000),
      };
      const content = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
      if (!ack) {
        if (writer.publish('', topic, content, properties)) resolve();
        else writer.once('drain', () => resolve());
        return;
      }
      writer.publish('', topic, content, properties, (error: unknown) =>
        error ? reject(error) : resolve(),
      );
    });
  return {
    sequential: send,
    windowed: send,
    close: async () => {
      await writerModel.close();
      await readerModel.close();
    },
  };
}

/**
 * rhea as our amqp-1.0 plugin uses it: a connection for the reader and one for the writer,
 * neither with Nagle (rhea turns it off only on a connection that opens a receiver); a sender
 * link (pre-settled at AT_MOST_ONCE, else resolved on `accepted`) and a receiver link with
 * PREFETCH credit, accepting each message.
 */
async function rawRhea(
  target: Target,
  consistency: Consistency,
  topic: string,
  inbox: Inbox,
): Promise<Endpoint> {
  const settled = consistency === 'AT_MOST_ONCE';
  const address = target.address?.(topic) ?? topic;
  const connect = () =>
    rhea.create_container().connect({
      host: target.host,
      port: target.port,
      ...CREDENTIALS,
      tcp_no_delay: true,
    } as ConnectionOptions);
  const readerConnection = connect();
  const receiver = readerConnection.open_receiver({
    source: { address, capabilities: ['queue'] },
    credit_window: PREFETCH,
    autoaccept: true,
    snd_settle_mode: settled ? 1 : 0,
  });
  receiver.on('message', (ctx: EventContext) => {
    const body = ctx.message?.body as { content?: Buffer } | Buffer;
    inbox.take(Buffer.isBuffer(body) ? body : (body.content as Buffer));
  });
  await once(receiver, 'receiver_open');
  const writerConnection = connect();
  const publish = await rheaPublisher(writerConnection, address, settled);
  const send: Send = (payload) => publish(rhea.message.data_section(Buffer.from(payload)));
  return {
    sequential: send,
    windowed: send,
    close: async () => {
      for (const connection of [writerConnection, readerConnection]) {
        connection.close();
        await once(connection, 'connection_close');
      }
    },
  };
}

/**
 * RabbitMQ's /amq/queue/NAME addresses a queue that must exist: declared before either side
 * opens on an AMQP 1.0 RabbitMQ target.
 */
export async function prepareQueue(target: Target, queue: string): Promise<void> {
  if (target.protocol !== 'amqp-1.0' || target.address?.(queue) === queue) return;
  const model = await amqp.connect({ hostname: target.host, port: target.port, ...CREDENTIALS });
  try {
    const channel = await model.createChannel();
    await channel.assertQueue(queue, { durable: true, arguments: QUEUE_ARGUMENTS });
  } finally {
    await model.close();
  }
}

/** The Kafka topics a case wrote (several GiB in a full run) go when it is done. */
export async function removeTopics(target: Target, topics: readonly string[]): Promise<void> {
  if (target.protocol !== 'kafka') return;
  const admin = new Admin({
    clientId: 'sinetstream-e2e-cleanup',
    bootstrapBrokers: [`${target.host}:${target.port}`],
  });
  try {
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics({ topics: topics.filter((t) => existing.has(t)) });
  } finally {
    await admin.close();
  }
}
