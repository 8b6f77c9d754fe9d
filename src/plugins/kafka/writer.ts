import {
  type CompressionAlgorithmValue,
  compressionsAlgorithms,
  type MessageToProduce,
  Producer,
} from '@platformatic/kafka';
import { ConnectionError, InvalidArgumentError, NotOpenError, PublishError } from '../../errors.js';
import type { PluginWriter, PublishOptions, WriterContext } from '../../spi/types.js';
import { connectionOptions } from './connection.js';
import { translate } from './errors.js';
import { bool, choice, type KafkaParams, num, readParams, warnOnce } from './params.js';

const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
/** kafka-python's default batch_size: the most bytes one produce request carries. */
const DEFAULT_BATCH_BYTES = 16_384;
/** kafka-python's max_in_flight_requests_per_connection default. */
const DEFAULT_INFLIGHT = 5;

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

/** As upstream: AT_MOST_ONCE sends without acks, AT_LEAST_ONCE waits for the leader, and
 * EXACTLY_ONCE (as the Java SINETStream) uses the idempotent producer with acks from all
 * in-sync replicas. `acks` and `enable_idempotence` given by the user win. */
function delivery(context: WriterContext, params: KafkaParams): Delivery {
  const byConsistency = { AT_MOST_ONCE: 0, AT_LEAST_ONCE: 1, EXACTLY_ONCE: -1 }[
    context.consistency
  ];
  const idempotent = bool(params, 'enable_idempotence') ?? context.consistency === 'EXACTLY_ONCE';
  const acks = num(params, 'acks') ?? (idempotent ? -1 : byConsistency);
  if (idempotent && acks !== -1) {
    throw new InvalidArgumentError(
      `acks: ${acks} conflicts with enable_idempotence, which needs acks "all"`,
    );
  }
  return { acks, idempotent };
}

function compression(context: WriterContext, params: KafkaParams): CompressionAlgorithmValue {
  const chosen = choice(params, 'compression_type', COMPRESSIONS) ?? 'none';
  if (!compressionsAlgorithms[chosen].available) {
    warnOnce(
      context,
      'compression_type',
      `compression_type "${chosen}" is not available on this Node.js; sending uncompressed`,
    );
    return 'none';
  }
  return chosen;
}

/**
 * A Kafka producer for one topic. Up to `max_in_flight_requests_per_connection` produce
 * requests (kafka-python's default 5; 1 when idempotent) go out at once on one connection,
 * which Kafka handles in order; publishes made while all are busy are coalesced into the
 * next request (up to `batch_size` bytes, after `linger_ms`), so concurrent publishers get
 * batching while a lone publisher pays no delay.
 */
export class KafkaWriter implements PluginWriter {
  readonly #context: WriterContext;
  readonly #params: KafkaParams;
  readonly #delivery: Delivery;
  readonly #compression: CompressionAlgorithmValue;
  readonly #batchBytes: number;
  readonly #lingerMs: number;
  #producer: Producer<Buffer, Buffer, Buffer, Buffer> | undefined;
  readonly #maxInflight: number;
  #queue: Pending[] = [];
  #queuedBytes = 0;
  #inflight = 0;
  #idle: (() => void)[] = [];
  #lingerTimer: NodeJS.Timeout | undefined;
  #closing = false;
  #sent = 0;
  #failed = 0;

  constructor(context: WriterContext) {
    this.#context = context;
    this.#params = readParams(context, 'writer');
    this.#delivery = delivery(context, this.#params);
    this.#compression = compression(context, this.#params);
    this.#batchBytes = num(this.#params, 'batch_size') ?? DEFAULT_BATCH_BYTES;
    this.#lingerMs = num(this.#params, 'linger_ms') ?? 0;
    this.#maxInflight = this.#delivery.idempotent
      ? 1
      : (num(this.#params, 'max_in_flight_requests_per_connection') ?? DEFAULT_INFLIGHT);
  }

  async open(): Promise<void> {
    this.#closing = false;
    const connection = await connectionOptions(this.#context, this.#params);
    const retries = num(this.#params, 'retries');
    const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
      ...connection,
      acks: this.#delivery.acks,
      idempotent: this.#delivery.idempotent,
      compression: this.#compression,
      autocreateTopics: true,
      ...(retries !== undefined ? { retries } : {}),
    });
    try {
      // Fails now, not at the first publish, when the broker is unreachable, refuses the
      // credentials or the topic; and creates the topic where the broker allows it.
      await producer.metadata({ topics: [this.#context.topic], autocreateTopics: true });
    } catch (error) {
      await producer.close().catch(() => undefined);
      throw translate(error, `kafka writer for topic "${this.#context.topic}"`, ConnectionError);
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
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ message, size: value.byteLength, resolve, reject });
      this.#queuedBytes += value.byteLength;
      this.#pump();
    });
  }

  /** Sends what is queued, as far as the in-flight limit allows; `linger_ms` lets a batch fill. */
  #pump(): void {
    if (this.#lingerMs > 0 && this.#queuedBytes < this.#batchBytes && !this.#closing) {
      this.#lingerTimer ??= setTimeout(() => {
        this.#lingerTimer = undefined;
        this.#sendQueued();
      }, this.#lingerMs);
      return;
    }
    this.#sendQueued();
  }

  #sendQueued(): void {
    while (this.#inflight < this.#maxInflight && this.#queue.length > 0) {
      this.#inflight++;
      void this.#send(this.#takeBatch()).finally(() => {
        this.#inflight--;
        if (this.#queue.length > 0) this.#pump();
        else if (this.#inflight === 0) for (const idle of this.#idle.splice(0)) idle();
      });
    }
  }

  async #send(batch: Pending[]): Promise<void> {
    try {
      const producer = this.#producer;
      if (!producer)
        throw new NotOpenError(`kafka writer for "${this.#context.topic}" closed before sending`);
      await producer.send({ messages: batch.map((p) => p.message) });
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
    }
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
      compression: this.#compression,
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
