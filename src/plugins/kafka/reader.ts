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
import { backoffDelay, sleep } from '../../spi/backoff.js';
import { MessageQueue } from '../../spi/message-queue.js';
import { paramsOf } from '../../spi/parameters.js';
import type {
  CallOptions,
  MessageHeaders,
  PluginReader,
  ReaderContext,
  ReceivedMessage,
} from '../../spi/types.js';
import { Commits } from './commits.js';
import { connectionOptions, connectTarget, probeBrokers } from './connection.js';
import { retriable, translate } from './errors.js';
import { LastOffsets } from './offsets.js';
import { KAFKA_PARAMETERS, type KafkaParams } from './parameters.js';

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/** Record headers by name, values as the bytes they are (Kafka headers have no type). */
function headersOf(message: KafkaMessage): MessageHeaders {
  const headers = new Map<string, Uint8Array>();
  for (const [name, value] of message.headerEntries) {
    headers.set(name.toString('utf8'), value ?? new Uint8Array(0));
  }
  return headers;
}
type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;
type AnyConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;

/** kafka-python's auto_commit_interval_ms default (AT_LEAST_ONCE), and upstream's AT_MOST_ONCE choice. */
const COMMIT_INTERVAL_MS = { AT_MOST_ONCE: 101, AT_LEAST_ONCE: 5000, EXACTLY_ONCE: 5000 } as const;

/** How long a reader whose connection broke keeps reconnecting before its receive fails with
 * ConnectionError: long enough for a broker restart or a leader election. */
const RECONNECT_MS = 60_000;

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
  /** Fetching pauses while `max_unacked_messages` wait for the user. */
  readonly #queue: MessageQueue;
  #consumer: AnyConsumer | undefined;
  #stream: Stream | undefined;
  #commits: Commits | undefined;
  /** Per topic and partition, the offset of the last message queued: a restarted stream
   * resumes after it (without a group) or skips up to it (in a group). */
  readonly #positions = new LastOffsets();
  /** Per `topic:partition`, where the stream started (a reader without a group). */
  readonly #starts = new Map<string, bigint>();
  /** Set once `open` has succeeded; failures before that are open's to report. */
  #live = false;
  /** Counts seeks and close, so a reconnection that they overtook stops. */
  #epoch = 0;
  #reconnecting: Promise<void> | undefined;
  #received = 0;

  constructor(context: ReaderContext) {
    this.#context = context;
    this.#params = paramsOf(context, KAFKA_PARAMETERS);
    this.#queue = new MessageQueue({
      highWaterMark: context.maxUnackedMessages,
      onHigh: () => this.#stream?.pause(),
      onLow: () => this.#stream?.resume(),
    });
    this.#groupId = this.#params.group_id;
  }

  async open(options: CallOptions = {}): Promise<void> {
    const connection = connectionOptions(this.#context, this.#params);
    const what = `kafka reader for topics "${this.#context.topics.join(',')}"`;
    try {
      await probeBrokers(connection);
    } catch (error) {
      throw translate(error, what, ConnectionError, connectTarget(this.#context, connection));
    }
    const consumer = await this.#newConsumer();
    this.#consumer = consumer;
    try {
      await this.#start({ mode: 'committed' }, options.signal);
    } catch (error) {
      this.#consumer = undefined;
      await this.#stopStream();
      await consumer.close(true).catch(() => undefined);
      throw translate(error, what, ConnectionError, connectTarget(this.#context, connection));
    }
    const p = this.#params;
    const commit = this.#groupId !== undefined && p.enable_auto_commit;
    if (commit) {
      const interval = p.auto_commit_interval_ms ?? COMMIT_INTERVAL_MS[this.#context.consistency];
      this.#commits = new Commits(() => this.#consumer, interval, this.#context.logger);
    }
    this.#live = true;
  }

  async #newConsumer(): Promise<AnyConsumer> {
    const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>(await this.#consumerOptions());
    // Emitted when rejoining the group failed: the client then sends no more heartbeats, so
    // only a new consumer gets back into the group. With no listener it would end the process.
    // (Failed heartbeats need nothing: the client looks the coordinator up again by itself.)
    consumer.on('error', (error: unknown) => this.#lost(consumer, error, { replace: true }));
    return consumer;
  }

  async #consumerOptions(): Promise<ConsumerOptions<Buffer, Buffer, Buffer, Buffer>> {
    const p = this.#params;
    const defined = <T>(key: string, value: T | undefined) =>
      value === undefined ? {} : { [key]: value };
    const isolation =
      p.isolation_level ??
      (this.#context.consistency === 'EXACTLY_ONCE' ? 'read_committed' : 'read_uncommitted');
    return {
      ...connectionOptions(this.#context, p),
      groupId: this.#groupId ?? `sinetstream-${this.#context.clientId}-${randomUUID()}`,
      autocreateTopics: p.allow_auto_create_topics,
      isolationLevel: isolation === 'read_committed' ? 1 : 0,
      // kafka-python's default, not the client's 60 s: a member whose coordinator died
      // cannot leave the group, and the group waits this long for it before rebalancing.
      sessionTimeout: p.session_timeout_ms,
      ...defined('heartbeatInterval', p.heartbeat_interval_ms),
      ...defined('rebalanceTimeout', p.max_poll_interval_ms),
      ...defined('minBytes', p.fetch_min_bytes),
      ...defined('maxBytes', p.fetch_max_bytes),
      ...defined('maxWaitTime', p.fetch_max_wait_ms),
      maxBytesPerPartition: p.max_partition_fetch_bytes,
      ...defined('groupInstanceId', p.group_instance_id),
    };
  }

  /** Starts a stream and resolves once its starting offsets are known, so nothing published
   * after `open` (or a seek) returns can be missed. */
  async #start(at: StartAt, signal?: AbortSignal): Promise<void> {
    const consumer = this.#requireOpen();
    const reset = this.#params.auto_offset_reset;
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
      const done = () => {
        signal?.removeEventListener('abort', abort);
        stream.off('error', fail);
        stream.off('close', closed);
      };
      const fail = (error: unknown) => {
        done();
        reject(error);
      };
      const abort = () => fail(signal?.reason);
      const closed = () => fail(new NotOpenError('kafka reader closed while starting'));
      signal?.addEventListener('abort', abort, { once: true });
      stream.once('error', fail);
      stream.once('close', closed);
      stream.once('offsets', () => {
        done();
        resolve();
      });
    });
    for (const [key, offset] of stream.offsetsToFetch)
      if (!this.#starts.has(key)) this.#starts.set(key, offset);
    stream.on('data', (message: KafkaMessage) => {
      if (!this.#owns(message)) return;
      // Not past the last one queued: queued before the stream restarted (it restarts from
      // the group's committed position, which may be behind).
      if (!this.#positions.advance(message.topic, message.partition, message.offset)) return;
      this.#queue.push(this.#toReceived(message));
    });
    stream.on('error', (error: unknown) => this.#lost(consumer, error, { stream }));
    if (this.#queue.size >= this.#context.maxUnackedMessages) stream.pause();
  }

  /**
   * The client gives up at the first failure that outlasts its own retries (3, a second
   * apart): its fetch stream ends. When one broker of a cluster dies that is always the case,
   * for its partitions get a new leader only once KRaft fences it (broker.session.timeout.ms,
   * 9 s by default), and a single broker takes as long to restart; failing for good then
   * would end a reader the cluster serves again seconds later. So, for a failure that may
   * pass, the reader starts a new stream where it was (on a new consumer if the old one left
   * the group for good), until that works or RECONNECT_MS have passed; messages already
   * queued stay queued.
   */
  #lost(
    consumer: AnyConsumer,
    error: unknown,
    from: { stream?: Stream; replace?: boolean } = {},
  ): void {
    if (!this.#live || consumer !== this.#consumer || this.#reconnecting || this.#queue.closed)
      return;
    if (from.stream && from.stream !== this.#stream) return;
    if (!retriable(error)) {
      this.#queue.fail(translate(error, 'kafka reader', ConnectionError));
      return;
    }
    this.#context.logger.debug?.(`kafka reader: ${String(error)}; reconnecting`);
    this.#reconnecting = this.#reconnect(error, from.replace === true).finally(() => {
      this.#reconnecting = undefined;
    });
  }

  async #reconnect(first: unknown, replace: boolean): Promise<void> {
    const epoch = this.#epoch;
    const deadline = Date.now() + RECONNECT_MS;
    let last = first;
    if (replace) await this.#dropConsumer();
    else await this.#stopStream();
    for (let failed = 0; ; failed++) {
      const { reconnect_backoff_ms: initialDelayMs, reconnect_backoff_max_ms: maxDelayMs } =
        this.#params;
      await sleep(backoffDelay({ initialDelayMs, maxDelayMs }, failed));
      if (epoch !== this.#epoch) return;
      try {
        if (!this.#consumer) {
          const consumer = await this.#newConsumer();
          if (epoch !== this.#epoch) {
            await consumer.close(true).catch(() => undefined);
            return;
          }
          this.#consumer = consumer;
        }
        await this.#start(this.#resumePoint());
        return;
      } catch (error) {
        if (epoch !== this.#epoch) return;
        await this.#stopStream();
        last = error;
        if (!retriable(error) || Date.now() > deadline) break;
      }
    }
    await this.#dropConsumer();
    this.#queue.fail(translate(last, 'kafka reader', ConnectionError));
  }

  /** Closes the consumer, leaving its group if the group's coordinator still answers (the
   * client closes anyway when it does not; the group then drops the member after the
   * session timeout). */
  async #dropConsumer(): Promise<void> {
    const consumer = this.#consumer;
    this.#consumer = undefined;
    await this.#stopStream();
    await consumer?.close(true).catch((error: unknown) => {
      this.#context.logger.debug?.(`kafka reader close: ${String(error)}`);
    });
  }

  /** In a group, the group's committed position (what the application has finished; the
   * rest is read again and skipped up to `#positions`), so rebalances keep working; alone,
   * exactly where this reader was. */
  #resumePoint(): StartAt {
    if (this.#groupId !== undefined) return { mode: 'committed' };
    const offsets = new Map(this.#starts);
    for (const [topic, partition, last] of this.#positions.entries())
      offsets.set(`${topic}:${partition}`, last + 1n);
    if (offsets.size === 0) return { mode: 'committed' };
    return {
      mode: 'manual',
      offsets: [...offsets].map(([key, offset]) => {
        const at = key.lastIndexOf(':');
        return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)), offset };
      }),
    };
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
    const commits = this.#commits;
    return {
      bytes: message.value ?? new Uint8Array(0),
      topic: message.topic,
      raw: message,
      partition: message.partition,
      headers: message.headerEntries.length > 0 ? headersOf(message) : undefined,
      // At AT_LEAST_ONCE a message counts as consumed once the user is done with it.
      settle:
        this.#context.consistency !== 'AT_MOST_ONCE' && commits
          ? () => commits.mark(message.topic, message.partition, message.offset)
          : undefined,
    };
  }

  receive(options?: CallOptions): Promise<ReceivedMessage | undefined> {
    const receiving = this.#queue.receive(options);
    // Nothing to record at hand-over: the queue's promise itself, not one more per message.
    if (this.#context.consistency !== 'AT_MOST_ONCE' || !this.#commits) return receiving;
    return receiving.then((message) => {
      // At AT_MOST_ONCE a message counts as consumed as soon as it is handed over.
      if (message && this.#commits) {
        const raw = message.raw as KafkaMessage;
        this.#commits.mark(raw.topic, raw.partition, raw.offset);
      }
      return message;
    });
  }

  seekToBeginning(): Promise<void> {
    return this.#seek(ListOffsetTimestamps.EARLIEST);
  }

  seekToEnd(): Promise<void> {
    return this.#seek(ListOffsetTimestamps.LATEST);
  }

  /** The client has no seek: restart the stream from explicit offsets for every partition. */
  async #seek(timestamp: bigint): Promise<void> {
    await this.#reconnecting;
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
      this.#positions.clear();
      this.#starts.clear();
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
    // A reconnection under way stops at its next step.
    this.#epoch++;
    this.#live = false;
    this.#queue.close();
    await this.#commits?.close();
    this.#commits = undefined;
    await this.#dropConsumer();
  }

  #requireOpen(): AnyConsumer {
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
      buffered: this.#queue.size,
    };
  }

  resetMetrics(): void {
    this.#received = 0;
  }
}
