import type { S3Client } from '@aws-sdk/client-s3';
import { NotOpenError } from '../../errors.js';
import { headersFromTable } from '../../spi/headers.js';
import { MessageQueue } from '../../spi/message-queue.js';
import type { CallOptions, PluginReader, ReaderContext, ReceivedMessage } from '../../spi/types.js';
import { createS3Client, prepareBucket, s3Error, s3Params } from './client.js';
import { keyMatcher, listingPrefix, publishOrder, TIMESTAMP_KEY, topicOf } from './keys.js';
import type { S3Params } from './parameters.js';

/** What a message's `raw` holds: where the object is, and what the server said of it. */
export interface S3ObjectInfo {
  readonly bucket: string;
  readonly key: string;
  /** The object's user metadata; upstream's writer puts `timestamp` (microseconds) there. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly lastModified: Date | undefined;
  readonly eTag: string | undefined;
}

/**
 * Polls the bucket for objects under its topics (`{prefix}/{topic}/`) every
 * `poll_interval_ms`, and reads those it has not had yet in publish order (time folder,
 * then each writer's sequence number). Nothing is written to the bucket for a reader: the
 * objects it is done with are remembered in the reader. An object is done once core settles
 * it (the user moved on); at most `max_unacked_messages` objects are fetched and not yet
 * done. A new reader starts from `start_from`: `beginning` (upstream's behaviour) reads
 * every object again, so what an earlier reader did not finish is read again too.
 */
export class S3Reader implements PluginReader {
  readonly #params: S3Params;
  readonly #matches: (key: string) => boolean;
  readonly #order: (a: string, b: string) => number;
  readonly #prefixes: string[];
  readonly #what: string;
  readonly #queue = new MessageQueue();
  readonly #stopped = new AbortController();
  #client: S3Client | undefined;
  #loop: Promise<void> | undefined;
  /** Keys fetched (queued, handed out or done): never fetched again until a seek. */
  readonly #taken = new Set<string>();
  /** Keys listed and not fetched yet, in publish order. */
  #pending: string[] = [];
  /** Fetched and not settled. */
  #unsettled = 0;
  /** Bumped by a seek, so that what was fetched or listed before it is dropped. */
  #generation = 0;
  #wake: (() => void) | undefined;
  #received = 0;
  #listings = 0;

  constructor(private readonly context: ReaderContext) {
    this.#params = s3Params(context);
    this.#matches = keyMatcher(this.#params, context.topics);
    this.#order = publishOrder(this.#params);
    const prefixes = context.topics.map((topic) => listingPrefix(this.#params, topic));
    this.#prefixes = [...new Set(prefixes)];
    this.#what = `s3 reader for "${context.topics.join(',')}"`;
  }

  async open(options: CallOptions = {}): Promise<void> {
    const client = await createS3Client(this.context, this.#params);
    try {
      await prepareBucket(client, this.#params, this.#what, options.signal);
      this.#client = client;
      if (this.#params.start_from === 'end') await this.#skipExisting(options.signal);
    } catch (error) {
      this.#client = undefined;
      client.destroy();
      throw error;
    }
    this.#loop = this.#run();
  }

  receive(options?: CallOptions): Promise<ReceivedMessage | undefined> {
    return this.#queue.receive(options);
  }

  /** Reads every object under the topics again, from the oldest. */
  async seekToBeginning(): Promise<void> {
    this.#requireOpen();
    this.#restart();
    this.#taken.clear();
    this.#wake?.();
  }

  /** Drops what is buffered: only objects put from now on are read. */
  async seekToEnd(): Promise<void> {
    this.#requireOpen();
    this.#restart();
    await this.#skipExisting(this.#stopped.signal);
    this.#wake?.();
  }

  async close(): Promise<void> {
    this.#stopped.abort();
    this.#wake?.();
    this.#queue.close();
    await this.#loop;
    this.#loop = undefined;
    this.#client?.destroy();
    this.#client = undefined;
  }

  metrics(): unknown {
    return {
      buffered: this.#queue.size,
      unsettled: this.#unsettled,
      received: this.#received,
      listings: this.#listings,
    };
  }

  resetMetrics(): void {
    this.#received = 0;
    this.#listings = 0;
  }

  #requireOpen(): S3Client {
    if (!this.#client || this.#stopped.signal.aborted) {
      throw new NotOpenError(`${this.#what} is not open`);
    }
    return this.#client;
  }

  #restart(): void {
    this.#generation++;
    this.#queue.clear();
    this.#pending = [];
    this.#unsettled = 0;
  }

  async #skipExisting(signal?: AbortSignal): Promise<void> {
    for (const key of await this.#list(signal)) this.#taken.add(key);
  }

  async #run(): Promise<void> {
    const signal = this.#stopped.signal;
    let failing = false;
    while (!signal.aborted) {
      try {
        await this.#step(signal);
        failing = false;
      } catch (error) {
        if (signal.aborted) return;
        const failure = s3Error(this.#what, error);
        if (failure.retriable !== true) {
          this.#queue.fail(failure);
          return;
        }
        if (!failing) this.context.logger.warn(`${failure.message}; trying again`);
        failing = true;
      }
      const full = this.#unsettled >= this.context.maxUnackedMessages;
      if (full || this.#pending.length === 0 || failing) {
        await this.#sleep(full && !failing ? undefined : this.#params.poll_interval_ms);
      }
    }
  }

  /** Lists when nothing is pending, then fetches while the unsettled bound allows. */
  async #step(signal: AbortSignal): Promise<void> {
    if (this.#pending.length === 0) {
      const generation = this.#generation;
      const listed = (await this.#list(signal)).filter((key) => !this.#taken.has(key));
      if (generation !== this.#generation) return;
      this.#pending = listed.sort(this.#order);
    }
    while (
      this.#pending.length > 0 &&
      this.#unsettled < this.context.maxUnackedMessages &&
      !signal.aborted
    ) {
      const generation = this.#generation;
      const key = this.#pending[0]!;
      const message = await this.#fetch(key, signal);
      if (generation !== this.#generation) return;
      this.#pending.shift();
      this.#taken.add(key);
      if (message) this.#deliver(message, generation);
    }
  }

  async #list(signal?: AbortSignal): Promise<string[]> {
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const client = this.#requireOpen();
    const keys: string[] = [];
    for (const prefix of this.#prefixes) {
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({
            Bucket: this.#params.bucket,
            Prefix: prefix,
            ...(token !== undefined && { ContinuationToken: token }),
          }),
          { abortSignal: signal },
        );
        this.#listings++;
        for (const object of page.Contents ?? []) {
          if (object.Key !== undefined && this.#matches(object.Key)) keys.push(object.Key);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    }
    return keys;
  }

  /** The object as a message; `undefined` when it was deleted since the listing. */
  async #fetch(key: string, signal: AbortSignal): Promise<ReceivedMessage | undefined> {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const bucket = this.#params.bucket;
    try {
      const object = await this.#requireOpen().send(
        new GetObjectCommand({ Bucket: bucket, Key: key }),
        { abortSignal: signal },
      );
      const bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array(0);
      const raw: S3ObjectInfo = {
        bucket,
        key,
        metadata: object.Metadata ?? {},
        lastModified: object.LastModified,
        eTag: object.ETag,
      };
      const { [TIMESTAMP_KEY]: _timestamp, ...headers } = raw.metadata;
      return {
        bytes,
        topic: topicOf(this.#params, key),
        raw,
        headers: headersFromTable(headers),
      };
    } catch (error) {
      if ((error as { name?: unknown }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  #deliver(message: ReceivedMessage, generation: number): void {
    this.#unsettled++;
    this.#received++;
    this.#queue.push({
      ...message,
      settle: () => {
        if (generation !== this.#generation) return;
        this.#unsettled--;
        // A reader held at its bound goes on fetching; an idle one waits for its next poll.
        if (this.#pending.length > 0) this.#wake?.();
      },
    });
  }

  /** Waits `ms`, or until woken (a settle, a seek, close); `undefined`: until woken. */
  #sleep(ms: number | undefined): Promise<void> {
    if (this.#stopped.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }
}
