import type { MessageCipher } from '../crypto/types.js';
import { InvalidArgumentError, InvalidMessageError, messageTooLarge } from '../errors.js';
import type { Compressor } from '../spi/types.js';
import { decodeRecord, encodeRecord } from './avro-record.js';
import { KEY_VERSION_NONE, packV3, unpackV3, V3_HEADER_LENGTH, writeV3Header } from './packet.js';

export interface EnvelopeSettings {
  readonly userDataOnly: boolean;
  readonly messageFormat: 2 | 3;
  /** `max_message_size`: the most bytes a serialized value may take, decompressed. */
  readonly maxMessageSize: number;
  readonly compressor?: Compressor | undefined;
  readonly cipher?: MessageCipher | undefined;
}

export interface EncodedEnvelope {
  readonly bytes: Uint8Array;
  /** Sizes of the serialized value before and after compression (equal when off). */
  readonly uncompressedLength: number;
  readonly compressedLength: number;
}

export interface DecodedEnvelope {
  readonly payload: Uint8Array;
  /** Microseconds since the epoch; 0 when the writer sent none (or user_data_only). */
  readonly timestampUs: number;
  readonly uncompressedLength: number;
  readonly compressedLength: number;
}

/**
 * The byte pipeline between a serialized value and what the broker carries:
 * compress -> Avro record {tstamp, msg} -> encrypt -> v3 packet, and back.
 */
export class EnvelopeCodec {
  readonly #settings: EnvelopeSettings;

  constructor(settings: EnvelopeSettings) {
    this.#settings = settings;
  }

  encode(payload: Uint8Array, timestampUs: number): EncodedEnvelope {
    const { userDataOnly, messageFormat, maxMessageSize, compressor, cipher } = this.#settings;
    if (payload.length > maxMessageSize) {
      throw new InvalidArgumentError(
        `the value is ${payload.length} bytes serialized, more than max_message_size (${maxMessageSize} bytes)`,
      );
    }
    const compressed = compressor ? compressor.compress(payload) : payload;
    if (userDataOnly) {
      // No record and no packet: the (compressed, encrypted) value is the whole message, and
      // a reader decrypts it with its newest key version, as SINETStream 1.10 does.
      return {
        bytes: cipher ? cipher.encrypt(compressed) : compressed,
        uncompressedLength: payload.length,
        compressedLength: compressed.length,
      };
    }
    const tstamp = Math.trunc(timestampUs);
    let bytes: Uint8Array;
    if (cipher) {
      const encrypted = cipher.encrypt(encodeRecord(tstamp, compressed));
      bytes = messageFormat === 3 ? packV3(encrypted, cipher.keyVersion) : encrypted;
    } else if (messageFormat === 3) {
      // One allocation per message: the record is written behind room for the header.
      bytes = writeV3Header(encodeRecord(tstamp, compressed, V3_HEADER_LENGTH), KEY_VERSION_NONE);
    } else {
      bytes = encodeRecord(tstamp, compressed);
    }
    return { bytes, uncompressedLength: payload.length, compressedLength: compressed.length };
  }

  /** Without encryption nothing waits: `decodeNow` does the whole decode. */
  get decodesAtOnce(): boolean {
    return this.#settings.cipher === undefined;
  }

  /**
   * Any malformed input gives InvalidMessageError, whatever its length. Asynchronous because
   * an encrypted message from a writer not seen before needs a key derived first.
   */
  async decode(bytes: Uint8Array): Promise<DecodedEnvelope> {
    const { userDataOnly, cipher } = this.#settings;
    if (!cipher) return this.decodeNow(bytes);
    if (userDataOnly) return this.#decompressed(await cipher.decrypt(bytes, cipher.keyVersion), 0);
    const { body, keyVersion } = this.#unpacked(bytes, cipher.keyVersion);
    const record = decodeRecord(await cipher.decrypt(body, keyVersion));
    return this.#decompressed(record.msg, record.timestampUs);
  }

  /** `decode` when `decodesAtOnce`, without a promise; a codec with a cipher cannot. */
  decodeNow(bytes: Uint8Array): DecodedEnvelope {
    if (this.#settings.cipher) {
      throw new InvalidArgumentError('an encrypted envelope decodes asynchronously: use decode');
    }
    if (this.#settings.userDataOnly) return this.#decompressed(bytes, 0);
    const record = decodeRecord(this.#unpacked(bytes, KEY_VERSION_NONE).body);
    return this.#decompressed(record.msg, record.timestampUs);
  }

  /** The record inside a format 3 packet, checked against the codec's encryption. */
  #unpacked(bytes: Uint8Array, keyVersion: number): { body: Uint8Array; keyVersion: number } {
    const { messageFormat, cipher } = this.#settings;
    if (messageFormat !== 3) return { body: bytes, keyVersion };
    const packet = unpackV3(bytes);
    if (packet.keyVersion === undefined) return { body: bytes, keyVersion };
    if ((packet.keyVersion !== KEY_VERSION_NONE) !== (cipher !== undefined)) {
      throw new InvalidMessageError(
        cipher
          ? 'message is not encrypted but data_encryption is on'
          : `message is encrypted (key version ${packet.keyVersion}) but data_encryption is off`,
      );
    }
    return { body: packet.payload, keyVersion: packet.keyVersion };
  }

  #decompressed(msg: Uint8Array, timestampUs: number | bigint): DecodedEnvelope {
    const { maxMessageSize, compressor } = this.#settings;
    let payload = msg;
    if (compressor) {
      try {
        payload = compressor.decompress(msg, maxMessageSize);
      } catch (error) {
        if (error instanceof InvalidMessageError) throw error;
        throw new InvalidMessageError('message does not decompress', { cause: error });
      }
      if (payload.length > maxMessageSize) throw messageTooLarge(maxMessageSize);
    } else if (payload.length > maxMessageSize) {
      throw this.#tooLarge(payload.length);
    }
    return {
      payload,
      timestampUs: Number(timestampUs),
      uncompressedLength: payload.length,
      compressedLength: msg.length,
    };
  }

  #tooLarge(length: number): InvalidMessageError {
    return new InvalidMessageError(
      `message value is ${length} bytes, more than max_message_size (${this.#settings.maxMessageSize} bytes)`,
    );
  }
}
