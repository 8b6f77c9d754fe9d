import { setTimeout as sleep } from 'node:timers/promises';
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

interface Pending {
  message: MessageToProduce<Buffer, Buffer, Buffer, Buffer>;
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
 * A Kafka producer for one topic. Publishes made while a produce request is in flight are
 * coalesced into the next request (up to `batch_size` bytes, after `linger_ms`), so
 * concurrent publishers get batching while a lone publisher pays no delay. One request is in
 * flight at a time, which keeps the messages of one writer in order.
 */
export class KafkaWriter implements PluginWriter {
  readonly #context: WriterContext;
  readonly #params: KafkaParams;
  readonly #delivery: Delivery;
  readonly #compression: CompressionAlgorithmValue;
  readonly #batchBytes: number;
  readonly #lingerMs: number;
  #producer: Producer<Buffer, Buffer, Buffer, Buffer> | undefined;
  #queue: Pending[] = [];
  #draining: Promise<void> | undefined;
  #sent = 0;
  #failed = 0;

  constructor(context: WriterContext) {
    this.#context = context;
    this.#params = readParams(context, 'writer');
    this.#delivery = delivery(context, this.#params);
    this.#compression = compression(context, this.#params);
    this.#batchBytes = num(this.#params, 'batch_size') ?? DEFAULT_BATCH_BYTES;
    this.#lingerMs = num(this.#params, 'linger_ms') ?? 0;
  }

  async open(): Promise<void> {
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
    const message: MessageToProduce<Buffer, Buffer, Buffer, Buffer> = {
      topic: this.#context.topic,
      // A copy: the caller may reuse its buffer before the request is written.
      value: Buffer.from(bytes),
    };
    if (options.timestampUs !== undefined)
      message.timestamp = BigInt(Math.floor(options.timestampUs / 1000));
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ message, resolve, reject });
      this.#draining ??= this.#drain().finally(() => {
        this.#draining = undefined;
      });
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      if (this.#lingerMs > 0) await sleep(this.#lingerMs);
      const batch = this.#takeBatch();
      const producer = this.#producer;
      try {
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
  }

  #takeBatch(): Pending[] {
    let bytes = 0;
    let count = 0;
    for (const p of this.#queue) {
      bytes += p.message.value?.length ?? 0;
      if (count > 0 && bytes > this.#batchBytes) break;
      count++;
    }
    return this.#queue.splice(0, count);
  }

  async close(): Promise<void> {
    const producer = this.#producer;
    if (!producer) return;
    // Flush first: the promises of publishes already made settle before the client goes.
    await this.#draining;
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
