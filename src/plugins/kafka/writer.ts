import {
  type CompressionAlgorithmValue,
  type MessageToProduce,
  Producer,
} from '@platformatic/kafka';
import { ConnectionError, InvalidArgumentError, NotOpenError, PublishError } from '../../errors.js';
import { sleep } from '../../spi/backoff.js';
import { paramsOf } from '../../spi/parameters.js';
import type {
  MessageHeaders,
  PluginWriter,
  PublishOptions,
  WriterContext,
} from '../../spi/types.js';
import { connectionOptions, connectTarget, probeBrokers } from './connection.js';
import { retriable, translate } from './errors.js';
import { KAFKA_PARAMETERS, type KafkaParams } from './parameters.js';

/** kafka-python's max_in_flight_requests_per_connection default. */
const DEFAULT_INFLIGHT = 5;
/** How long a batch is sent again while the cluster answers but cannot take it: the Java
 * producer's delivery.timeout.ms default. */
const DELIVERY_TIMEOUT_MS = 120_000;
/** How often the cluster is asked whether the partition has a new leader, unless
 * `retry_backoff_ms` says otherwise. */
const DEFAULT_RESEND_DELAY_MS = 500;
/** How long a failed batch waits for a new leader before it is sent again anyway (an error
 * no election cures, such as too few in-sync replicas): longer than KRaft takes to fence a
 * dead broker (broker.session.timeout.ms, 9 s by default) and elect another leader. */
const LEADER_WAIT_MS = 12_000;

type Metadata = Awaited<ReturnType<Producer['metadata']>>;

interface Pending {
  message: MessageToProduce<Buffer, Buffer, Buffer, Buffer>;
  size: number;
  resolve(): void;
  reject(error: unknown): void;
}

interface Delivery {
  acks: number;
  idempotent: boolean;
}

/** Kafka record headers are bytes: text values go as UTF-8, as every Kafka client writes them. */
function recordHeaders(headers: MessageHeaders): Map<Buffer, Buffer> {
  const record = new Map<Buffer, Buffer>();
  for (const [name, value] of headers) {
    record.set(
      Buffer.from(name),
      typeof value === 'string'
        ? Buffer.from(value)
        : Buffer.from(value.buffer, value.byteOffset, value.byteLength),
    );
  }
  return record;
}

/**
 * AT_MOST_ONCE sends without acks; AT_LEAST_ONCE and EXACTLY_ONCE (the latter with the
 * idempotent producer, as the Java SINETStream) wait for all in-sync replicas. `acks` and
 * `enable_idempotence` given by the user win.
 *
 * Upstream's AT_LEAST_ONCE waits for the leader only (acks=1). On a cluster that loses
 * messages whose publish resolved: in the failover test (test/integration/kafka/
 * failover.test.ts), which kills the partition leader mid-stream, the follower elected in its
 * place lacked the last 1 to 4 messages the dead leader had acknowledged, in 3 runs of 4. With
 * acks=all a resolved publish is on every in-sync replica (at least min.insync.replicas), so
 * it outlives the leader; on a single broker the two are the same.
 */
function delivery(context: WriterContext, params: KafkaParams): Delivery {
  const byConsistency = { AT_MOST_ONCE: 0, AT_LEAST_ONCE: -1, EXACTLY_ONCE: -1 }[
    context.consistency
  ];
  const idempotent = params.enable_idempotence ?? context.consistency === 'EXACTLY_ONCE';
  const given = params.acks === 'all' ? -1 : params.acks;
  const acks = given ?? (idempotent ? -1 : byConsistency);
  if (idempotent && acks !== -1) {
    throw new InvalidArgumentError(
      `acks: ${acks} conflicts with enable_idempotence, which needs acks "all"`,
    );
  }
  return { acks, idempotent };
}

/**
 * A Kafka producer for one topic. Up to `max_in_flight_requests_per_connection` produce
 * requests (kafka-python's default 5; 1 when idempotent) go out at once on one connection,
 * which Kafka handles in order; publishes made in the same turn of the event loop, or while
 * all are busy, are coalesced into the next request (up to `batch_size` bytes, after
 * `linger_ms`), so concurrent publishers get batching while a lone publisher pays no delay.
 */
export class KafkaWriter implements PluginWriter {
  readonly #context: WriterContext;
  readonly #params: KafkaParams;
  readonly #delivery: Delivery;
  readonly #batchBytes: number;
  readonly #lingerMs: number;
  #producer: Producer<Buffer, Buffer, Buffer, Buffer> | undefined;
  readonly #maxInflight: number;
  #queue: Pending[] = [];
  #queuedBytes = 0;
  #inflight = 0;
  #idle: (() => void)[] = [];
  #lingerTimer: NodeJS.Timeout | undefined;
  /** A send of what is queued waits for the current turn's publishes (see #pump). */
  #sendScheduled = false;
  /** Batches being sent again after a failure; nothing new goes out meanwhile. */
  #resending = 0;
  /** The partition leaders as last seen: a failed send waits until they change. */
  #knownLeaders: string | undefined;
  #closing = false;
  #sent = 0;
  #failed = 0;

  constructor(context: WriterContext) {
    this.#context = context;
    this.#params = paramsOf(context, KAFKA_PARAMETERS);
    this.#delivery = delivery(context, this.#params);
    this.#batchBytes = this.#params.batch_size;
    this.#lingerMs = this.#params.linger_ms;
    this.#maxInflight = this.#delivery.idempotent
      ? 1
      : (this.#params.max_in_flight_requests_per_connection ?? DEFAULT_INFLIGHT);
  }

  async open(): Promise<void> {
    this.#closing = false;
    const connection = connectionOptions(this.#context, this.#params);
    const what = `kafka writer for topic "${this.#context.topic}"`;
    try {
      await probeBrokers(connection);
    } catch (error) {
      throw translate(error, what, ConnectionError, connectTarget(this.#context, connection));
    }
    // The client's own default (3, declared), given even to the idempotent producer, which the client
    // would otherwise retry without end, each time to the leader the first try went to: at
    // EXACTLY_ONCE a publish, and close() waiting for it, hung for as long as that broker was
    // down (the failover test). Retrying on, with fresh metadata, is #sendAgain's part.
    const retries = this.#params.retries;
    const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
      ...connection,
      acks: this.#delivery.acks,
      idempotent: this.#delivery.idempotent,
      // Every codec the client has is there on each supported Node.js (zstd from 22.15).
      compression: this.#params.compression_type as CompressionAlgorithmValue,
      autocreateTopics: true,
      retries,
    });
    try {
      // Fails now, not at the first publish, when the broker is unreachable, refuses the
      // credentials or the topic; and creates the topic where the broker allows it.
      const metadata = await producer.metadata({
        topics: [this.#context.topic],
        autocreateTopics: true,
      });
      this.#knownLeaders = this.#leaders(metadata);
    } catch (error) {
      await producer.close().catch(() => undefined);
      throw translate(error, what, ConnectionError, connectTarget(this.#context, connection));
    }
    this.#producer = producer;
  }

  publish(bytes: Uint8Array, options: PublishOptions = {}): Promise<void> {
    if (!this.#producer)
      return Promise.reject(
        new NotOpenError(`kafka writer for "${this.#context.topic}" is not open`),
      );
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    // A view, not a copy: core hands each publish bytes of its own.
    const value = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const message: MessageToProduce<Buffer, Buffer, Buffer, Buffer> = {
      topic: this.#context.topic,
      value,
    };
    if (options.timestampUs !== undefined)
      message.timestamp = BigInt(Math.floor(options.timestampUs / 1000));
    if (options.headers) message.headers = recordHeaders(options.headers);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ message, size: value.byteLength, resolve, reject });
      this.#queuedBytes += value.byteLength;
      this.#pump();
    });
  }

  /**
   * Sends what is queued, as far as the in-flight limit allows; `linger_ms` lets a batch fill.
   * Without it, sending waits until the publishes made in the same turn of the event loop are
   * queued (process.nextTick runs once the microtasks have drained): at acks 0 a request is
   * written and done at once, so sending at each publish would make one request per message,
   * where the Kafka producers' sender thread takes everything that accumulated.
   */
  #pump(): void {
    if (this.#lingerMs > 0 && this.#queuedBytes < this.#batchBytes && !this.#closing) {
      this.#lingerTimer ??= setTimeout(() => {
        this.#lingerTimer = undefined;
        this.#sendQueued();
      }, this.#lingerMs);
      return;
    }
    if (this.#sendScheduled) return;
    this.#sendScheduled = true;
    process.nextTick(this.#sendScheduledBatch);
  }

  readonly #sendScheduledBatch = (): void => {
    this.#sendScheduled = false;
    this.#sendQueued();
  };

  #sendQueued(): void {
    // While a batch waits for a new leader, later publishes queue behind it rather than
    // overtake it (and fail the same way).
    while (this.#inflight < this.#maxInflight && this.#queue.length > 0 && this.#resending === 0) {
      this.#inflight++;
      void this.#send(this.#takeBatch()).finally(() => {
        this.#inflight--;
        if (this.#queue.length > 0) this.#pump();
        else if (this.#inflight === 0) for (const idle of this.#idle.splice(0)) idle();
      });
    }
  }

  async #send(batch: Pending[]): Promise<void> {
    const started = Date.now();
    let resending = false;
    try {
      for (;;) {
        const producer = this.#producer;
        if (!producer)
          throw new NotOpenError(`kafka writer for "${this.#context.topic}" closed before sending`);
        const leaders = this.#knownLeaders;
        try {
          // Per send: the client takes `acks` from the send options only (a send without
          // them waits for the leader alone, whatever the producer was created with).
          await producer.send({ messages: batch.map((p) => p.message), acks: this.#delivery.acks });
          break;
        } catch (error) {
          if (!(await this.#sendAgain(producer, error, started, leaders))) throw error;
          if (!resending) this.#resending++;
          resending = true;
        }
      }
      this.#sent += batch.length;
      for (const p of batch) p.resolve();
    } catch (error) {
      this.#failed += batch.length;
      const failure = translate(
        error,
        `kafka publish to topic "${this.#context.topic}"`,
        PublishError,
      );
      for (const p of batch) p.reject(failure);
    } finally {
      if (resending) this.#resending--;
    }
  }

  /**
   * Whether a failed batch is worth sending again, once it is. When the partition leader
   * dies, the cluster takes seconds to elect another (KRaft fences a silent broker after
   * broker.session.timeout.ms, 9 s by default), while the client's own retries (3, a second
   * apart) keep going to the dead node and give up sooner: without this, every publish made
   * during a failover failed although the cluster was fine. So while some broker still
   * answers a metadata request, a batch that failed for a passing reason is sent again, as
   * soon as the metadata names another leader than the failed send used (or after
   * LEADER_WAIT_MS), for up to DELIVERY_TIMEOUT_MS in all; when no broker answers it fails
   * now, with ConnectionError. A batch whose ack was lost may so be written twice (which
   * AT_LEAST_ONCE allows), never lost; acks=0 (AT_MOST_ONCE) is never sent again.
   */
  async #sendAgain(
    producer: Producer<Buffer, Buffer, Buffer, Buffer>,
    error: unknown,
    started: number,
    failedLeaders: string | undefined,
  ): Promise<boolean> {
    if (this.#delivery.acks === 0 || !retriable(error)) return false;
    const delay = this.#params.retry_backoff_ms ?? DEFAULT_RESEND_DELAY_MS;
    const waitUntil = Date.now() + LEADER_WAIT_MS;
    for (;;) {
      await sleep(delay);
      if (this.#producer !== producer || Date.now() - started > DELIVERY_TIMEOUT_MS) return false;
      let metadata: Metadata;
      try {
        metadata = await producer.metadata({ topics: [this.#context.topic], forceUpdate: true });
      } catch {
        return false;
      }
      const leaders = this.#leaders(metadata);
      this.#knownLeaders = leaders;
      if (leaders !== failedLeaders || Date.now() > waitUntil) break;
    }
    this.#context.logger.debug?.(
      `kafka publish to "${this.#context.topic}" failed (${String(error)}); sending again`,
    );
    return true;
  }

  /** The leaders of the topic's partitions, as one comparable string. */
  #leaders(metadata: Metadata): string | undefined {
    return metadata.topics
      .get(this.#context.topic)
      ?.partitions.map((p) => p.leader)
      .join(',');
  }

  /** The oldest queued messages, up to `batch_size` bytes (at least one message). */
  #takeBatch(): Pending[] {
    let bytes = 0;
    let count = 0;
    for (const p of this.#queue) {
      if (count > 0 && bytes + p.size > this.#batchBytes) break;
      bytes += p.size;
      count++;
    }
    this.#queuedBytes -= bytes;
    return this.#queue.splice(0, count);
  }

  async close(): Promise<void> {
    const producer = this.#producer;
    if (!producer) return;
    // Flush first: the promises of publishes already made settle before the client goes.
    this.#closing = true;
    clearTimeout(this.#lingerTimer);
    this.#lingerTimer = undefined;
    this.#sendQueued();
    if (this.#inflight > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
    this.#producer = undefined;
    await producer.close().catch((error) => {
      this.#context.logger.debug?.(`kafka writer close: ${String(error)}`);
    });
  }

  metrics(): unknown {
    return {
      clientId: this.#context.clientId,
      topic: this.#context.topic,
      acks: this.#delivery.acks,
      idempotent: this.#delivery.idempotent,
      compression: this.#params.compression_type,
      messagesSent: this.#sent,
      messagesFailed: this.#failed,
      // A bigint, kept as text so the metrics stay JSON-serialisable.
      producerId: this.#producer?.producerId?.toString(),
    };
  }

  resetMetrics(): void {
    this.#sent = 0;
    this.#failed = 0;
  }
}
