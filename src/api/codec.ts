import type { KeyNeed } from '../config/config-server.js';
import type { EnvelopeCodec } from '../envelope/envelope-codec.js';
import { defaultRegistry } from '../plugins/builtins.js';
import { fetchService, loadService, stderrLogger, usesConfigServer } from './load-service.js';
import type { CommonOptions } from './options.js';
import { buildEnvelope, serviceRegistry } from './pipeline.js';
import { toTimestampUs } from './timestamp.js';
import { loadValueType } from './value-type.js';

export interface EncoderOptions<T> extends CommonOptions {
  /** Turns a value into bytes; beats `valueType`. */
  valueSerializer?: (value: T) => Uint8Array;
}

export interface DecoderOptions<T> extends CommonOptions {
  /** Turns bytes into a value; beats `valueType`. */
  valueDeserializer?: (bytes: Uint8Array) => T;
}

/** What `MessageDecoder.decode` gives: the value and the writer's timestamp. */
export interface DecodedMessage<T> {
  readonly value: T;
  /** Microseconds since the epoch; 0 when the message carries none. */
  readonly timestampUs: number;
  /** Seconds since the epoch. */
  readonly timestamp: number;
}

/** Turns values into the bytes a MessageWriter would hand the broker, with no broker. */
export class MessageEncoder<T = Uint8Array> {
  constructor(
    private readonly envelope: EnvelopeCodec,
    private readonly serialize: (value: T) => Uint8Array,
  ) {}

  /** `timestamp` in seconds or a Date; default now. */
  encode(value: T, options: { timestamp?: number | Date } = {}): Uint8Array {
    return this.envelope.encode(this.serialize(value), toTimestampUs(options.timestamp)).bytes;
  }
}

/** Turns envelope bytes back into values, as a MessageReader does; InvalidMessageError on bad input. */
export class MessageDecoder<T = Uint8Array> {
  constructor(
    private readonly envelope: EnvelopeCodec,
    private readonly deserialize: (bytes: Uint8Array) => T,
  ) {}

  /** Asynchronous: an encrypted message from a writer not seen before needs a key derived. */
  async decode(bytes: Uint8Array): Promise<DecodedMessage<T>> {
    const decoded = await this.envelope.decode(bytes);
    return {
      value: this.deserialize(decoded.payload),
      timestampUs: decoded.timestampUs,
      timestamp: decoded.timestampUs / 1_000_000,
    };
  }
}

/** The envelope and value type the options describe, as a writer or reader would build them. */
async function codecParts(options: CommonOptions, keys: KeyNeed) {
  const resolved = usesConfigServer(options)
    ? await fetchService(options, 'codec', keys)
    : loadService(options, 'codec');
  const registry = await serviceRegistry(resolved, options.registry ?? defaultRegistry);
  const envelope = await buildEnvelope(resolved, registry);
  const logger = options.logger ?? stderrLogger;
  return { envelope, valueType: () => loadValueType(resolved, registry, logger) };
}

/**
 * The twin of upstream's SINETStreamMessageEncoder: the same options as a writer (a service
 * from the config file, or `noConfig` and everything inline), for users who store or forward
 * envelopes themselves (files, S3, HTTP).
 */
export async function createMessageEncoder<T = Uint8Array>(
  options: EncoderOptions<T> = {},
): Promise<MessageEncoder<T>> {
  const { envelope, valueType } = await codecParts(options, 'newest');
  const serialize = options.valueSerializer ?? (await valueType()).serialize;
  return new MessageEncoder(envelope, serialize as (value: T) => Uint8Array);
}

/** The twin of upstream's SINETStreamMessageDecoder. */
export async function createMessageDecoder<T = Uint8Array>(
  options: DecoderOptions<T> = {},
): Promise<MessageDecoder<T>> {
  const { envelope, valueType } = await codecParts(options, 'all-versions');
  const deserialize = options.valueDeserializer ?? (await valueType()).deserialize;
  return new MessageDecoder(envelope, deserialize as (bytes: Uint8Array) => T);
}
