import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { InvalidArgumentError, NotOpenError, PublishError } from '../../errors.js';
import type {
  MessageHeaders,
  PluginWriter,
  PublishOptions,
  WriterContext,
} from '../../spi/types.js';
import { createS3Client, prepareBucket, s3Error, s3Params } from './client.js';
import { objectKey, parseUtcOffset, TIMESTAMP_KEY, timeFolders, type UtcOffset } from './keys.js';
import type { S3Params } from './parameters.js';

/**
 * The object's user metadata (x-amz-meta-<name>): the timestamp, and the headers, which core
 * let through as printable ASCII only, all HTTP headers carry.
 */
function metadata(
  headers: MessageHeaders | undefined,
  timestamp: string,
  what: string,
): Record<string, string> {
  if (!headers) return { [TIMESTAMP_KEY]: timestamp };
  const all: Record<string, string> = Object.create(null);
  for (const [name, value] of headers) {
    if (name === TIMESTAMP_KEY) {
      throw new InvalidArgumentError(
        `${what}: header "${TIMESTAMP_KEY}" is reserved for the message timestamp`,
      );
    }
    all[name] = value as string;
  }
  all[TIMESTAMP_KEY] = timestamp;
  return all;
}

/**
 * Puts each message as one object, keyed as upstream's writer keys it, with the message
 * timestamp (microseconds) in the object metadata `timestamp`. `publish` resolves once the
 * PUT succeeded: the object is stored, whatever the consistency asked.
 */
export class S3Writer implements PluginWriter {
  readonly #params: S3Params;
  readonly #offset: UtcOffset;
  /** Upstream's writer names its objects by a UUID of its own, not by the client id. */
  readonly #writerId = randomUUID();
  readonly #what: string;
  #client: S3Client | undefined;
  #seqno = 0;
  #published = 0;
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(private readonly context: WriterContext) {
    this.#params = s3Params(context);
    this.#offset = parseUtcOffset(this.#params.utc_offset);
    this.#what = `s3 writer for topic "${context.topic}"`;
  }

  async open(options: { signal?: AbortSignal } = {}): Promise<void> {
    const client = await createS3Client(this.context, this.#params);
    try {
      await prepareBucket(client, this.#params, this.#what, options.signal);
    } catch (error) {
      client.destroy();
      throw error;
    }
    this.#client = client;
  }

  async publish(bytes: Uint8Array, options: PublishOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    const client = this.#client;
    if (!client) throw new NotOpenError(`${this.#what} is not open`);
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    const timestampUs = options.timestampUs ?? Date.now() * 1000;
    const folders = timeFolders(timestampUs, this.#params.name, this.#offset);
    const key = objectKey(this.#params, this.context.topic, folders, this.#writerId, ++this.#seqno);
    const put = client.send(
      new PutObjectCommand({
        Bucket: this.#params.bucket,
        Key: key,
        Body: bytes,
        Metadata: metadata(options.headers, String(Math.trunc(timestampUs)), this.#what),
      }),
      { abortSignal: options.signal },
    );
    this.#inFlight.add(put);
    try {
      await put;
      this.#published++;
    } catch (error) {
      throw s3Error(`${this.#what}: put ${key}`, error, PublishError);
    } finally {
      this.#inFlight.delete(put);
    }
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    await Promise.allSettled(this.#inFlight);
    client.destroy();
  }

  metrics(): unknown {
    return { published: this.#published, writerId: this.#writerId, seqno: this.#seqno };
  }

  resetMetrics(): void {
    this.#published = 0;
  }
}
