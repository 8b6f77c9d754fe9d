import { randomUUID } from 'node:crypto';
import {
  Consumer,
  type ConsumerOptions,
  ListOffsetTimestamps,
  type Message,
  type MessagesStream,
  type TopicWithPartitionAndOffset,
} from '@platformatic/kafka';
import { ConnectionError, NotOpenError } from '../../errors.js';
import { MessageQueue } from '../../spi/message-queue.js';
import type { CallOptions, PluginReader, ReaderContext, ReceivedMessage } from '../../spi/types.js';
import { Commits } from './commits.js';
import { connectionOptions } from './connection.js';
import { translate } from './errors.js';
import { bool, choice, type KafkaParams, num, readParams, str } from './params.js';

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;
type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

/** Messages buffered ahead of the user before fetching pauses. */
const HIGH_WATER_MARK = 1000;
/** kafka-python's auto_commit_interval_ms default (AT_LEAST_ONCE), and upstream's AT_MOST_ONCE choice. */
const COMMIT_INTERVAL_MS = { AT_MOST_ONCE: 101, AT_LEAST_ONCE: 5000, EXACTLY_ONCE: 5000 } as const;

const OFFSET_RESETS = ['earliest', 'latest', 'none', 'smallest', 'largest'] as const;
const ISOLATION_LEVELS = ['read_uncommitted', 'read_committed'] as const;

type StartAt = { mode: 'committed' } | { mode: 'manual'; offsets: TopicWithPartitionAndOffset[] };

/**
 * A Kafka consumer. With `group_id` the readers of one group share the topic's partitions and
 * resume from the group's committed position; without one each reader gets a group of its own
 * (and commits nothing), so every reader receives every message, as kafka-python's group-less
 * consumer does.
 */
export class KafkaReader implements PluginReader {
  readonly #context: ReaderContext;
  readonly #params: KafkaParams;
  readonly #groupId: string | undefined;
  readonly #queue = new MessageQueue({
    highWaterMark: HIGH_WATER_MARK,
    onHigh: () => this.#stream?.pause(),
    onLow: () => this.#stream?.resume(),
  });
  #consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
  #stream: Stream | undefined;
  #commits: Commits | undefined;
  #received = 0;

  constructor(context: ReaderContext) {
    this.#context = context;
    this.#params = readParams(context, 'reader');
    this.#groupId = str(this.#params, 'group_id');
  }

  async open(options: CallOptions = {}): Promise<void> {
    const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>(await this.#consumerOptions());
    this.#consumer = consumer;
    try {
      await this.#start({ mode: 'committed' }, options.signal);
    } catch (error) {
      this.#consumer = undefined;
      await forceClose(consumer).catch(() => undefined);
      throw translate(
        error,
        `kafka reader for topics "${this.#context.topics.join(',')}"`,
        ConnectionError,
      );
    }
    const p = this.#params;
    const commit = this.#groupId !== undefined && (bool(p, 'enable_auto_commit') ?? true);
    if (commit) {
      const interval =
        num(p, 'auto_commit_interval_ms') ?? COMMIT_INTERVAL_MS[this.#context.consistency];
      this.#commits = new Commits(consumer, interval, this.#context.logger);
    }
  }

  async #consumerOptions(): Promise<ConsumerOptions<Buffer, Buffer, Buffer, Buffer>> {
    const p = this.#params;
    const defined = <T>(key: string, value: T | undefined) =>
      value === undefined ? {} : { [key]: value };
    const isolation =
      choice(p, 'isolation_level', ISOLATION_LEVELS) ??
      (this.#context.consistency === 'EXACTLY_ONCE' ? 'read_committed' : 'read_uncommitted');
    return {
      ...(await connectionOptions(this.#context, p)),
      groupId: this.#groupId ?? `sinetstream-${this.#context.clientId}-${randomUUID()}`,
      autocreateTopics: bool(p, 'allow_auto_create_topics') ?? true,
      isolationLevel: isolation === 'read_committed' ? 1 : 0,
      ...defined('sessionTimeout', num(p, 'session_timeout_ms')),
      ...defined('heartbeatInterval', num(p, 'heartbeat_interval_ms')),
      ...defined('rebalanceTimeout', num(p, 'max_poll_interval_ms')),
      ...defined('minBytes', num(p, 'fetch_min_bytes')),
      ...defined('maxBytes', num(p, 'fetch_max_bytes')),
      ...defined('maxWaitTime', num(p, 'fetch_max_wait_ms')),
      ...defined('maxBytesPerPartition', num(p, 'max_partition_fetch_bytes')),
      ...defined('groupInstanceId', str(p, 'group_instance_id')),
    };
  }

  /** Starts a stream and resolves once its starting offsets are known, so nothing published
   * after `open` (or a seek) returns can be missed. */
  async #start(at: StartAt, signal?: AbortSignal): Promise<void> {
    const consumer = this.#requireOpen();
    const reset = choice(this.#params, 'auto_offset_reset', OFFSET_RESETS) ?? 'latest';
    const stream = await consumer.consume({
      topics: [...this.#context.topics],
      autocommit: false,
      ...(at.mode === 'manual' ? at : { mode: 'committed' }),
      fallbackMode:
        reset === 'earliest' || reset === 'smallest'
          ? 'earliest'
          : reset === 'none'
            ? 'fail'
            : 'latest',
    });
    this.#stream = stream;
    await new Promise<void>((resolve, reject) => {
      const fail = (error: unknown) => {
        signal?.removeEventListener('abort', abort);
        reject(error);
      };
      const abort = () => fail(signal?.reason);
      signal?.addEventListener('abort', abort, { once: true });
      stream.once('error', fail);
      stream.once('offsets', () => {
        signal?.removeEventListener('abort', abort);
        stream.off('error', fail);
        resolve();
      });
    });
    stream.on('data', (message: KafkaMessage) => {
      if (this.#owns(message)) this.#queue.push(this.#toReceived(message));
    });
    stream.on('error', (error: unknown) =>
      this.#queue.fail(translate(error, 'kafka reader', ConnectionError)),
    );
  }

  /**
   * A fetch sent before a rebalance can answer after it, with records of partitions now
   * owned by another member; that member reads them too, so they are dropped here.
   */
  #owns(message: KafkaMessage): boolean {
    const assignments = this.#consumer?.assignments;
    if (!assignments) return true;
    const assigned = assignments.find((a) => a.topic === message.topic);
    return assigned?.partitions.includes(message.partition) === true;
  }

  #toReceived(message: KafkaMessage): ReceivedMessage {
    this.#received++;
    const received: ReceivedMessage = {
      bytes: message.value ?? new Uint8Array(0),
      topic: message.topic,
      raw: message,
    };
    // At AT_LEAST_ONCE a message counts as consumed once the user is done with it.
    if (this.#context.consistency !== 'AT_MOST_ONCE' && this.#commits) {
      const commits = this.#commits;
      return {
        ...received,
        settle: () => commits.mark(message.topic, message.partition, message.offset),
      };
    }
    return received;
  }

  async receive(options?: CallOptions): Promise<ReceivedMessage | undefined> {
    const message = await this.#queue.receive(options);
    // At AT_MOST_ONCE a message counts as consumed as soon as it is handed over.
    if (message && this.#context.consistency === 'AT_MOST_ONCE' && this.#commits) {
      const raw = message.raw as KafkaMessage;
      this.#commits.mark(raw.topic, raw.partition, raw.offset);
    }
    return message;
  }

  seekToBeginning(): Promise<void> {
    return this.#seek(ListOffsetTimestamps.EARLIEST);
  }

  seekToEnd(): Promise<void> {
    return this.#seek(ListOffsetTimestamps.LATEST);
  }

  /** The client has no seek: restart the stream from explicit offsets for every partition. */
  async #seek(timestamp: bigint): Promise<void> {
    const consumer = this.#requireOpen();
    const what = `kafka seek on topics "${this.#context.topics.join(',')}"`;
    try {
      const listed = await consumer.listOffsets({ topics: [...this.#context.topics], timestamp });
      const offsets: TopicWithPartitionAndOffset[] = [];
      for (const [topic, partitions] of listed) {
        partitions.forEach((offset, partition) => {
          offsets.push({ topic, partition, offset });
        });
      }
      await this.#stopStream();
      this.#queue.clear();
      await this.#start({ mode: 'manual', offsets });
    } catch (error) {
      throw translate(error, what, ConnectionError);
    }
  }

  async #stopStream(): Promise<void> {
    const stream = this.#stream;
    this.#stream = undefined;
    if (!stream) return;
    // Records still in flight belong to the old position: drop them.
    stream.removeAllListeners('data');
    stream.removeAllListeners('error');
    stream.on('error', () => undefined);
    await stream.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    const consumer = this.#consumer;
    this.#queue.close();
    if (!consumer) return;
    this.#consumer = undefined;
    await this.#commits?.close();
    this.#commits = undefined;
    await this.#stopStream();
    await forceClose(consumer).catch((error: unknown) => {
      this.#context.logger.debug?.(`kafka reader close: ${String(error)}`);
    });
  }

  #requireOpen(): Consumer<Buffer, Buffer, Buffer, Buffer> {
    if (!this.#consumer)
      throw new NotOpenError(`kafka reader for "${this.#context.topics.join(',')}" is not open`);
    return this.#consumer;
  }

  metrics(): unknown {
    const consumer = this.#consumer;
    return {
      clientId: this.#context.clientId,
      topics: this.#context.topics,
      groupId: consumer?.groupId ?? this.#groupId,
      memberId: consumer?.memberId ?? undefined,
      assignments: consumer?.assignments ?? undefined,
      messagesReceived: this.#received,
    };
  }

  resetMetrics(): void {
    this.#received = 0;
  }
}

/** Closes without waiting for in-flight fetches (the client's `close(true)` has only a callback form in its types). */
function forceClose(consumer: Consumer<Buffer, Buffer, Buffer, Buffer>): Promise<void> {
  return new Promise((resolve, reject) =>
    consumer.close(true, (error) => (error ? reject(error) : resolve())),
  );
}
