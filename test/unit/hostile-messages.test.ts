import { describe, expect, it } from 'vitest';
import { zstdCompressionOn } from '../../src/compression/zstd.js';
import { loadWasmZstd } from '../../src/compression/zstd-wasm.js';
import { encodeRecord } from '../../src/envelope/avro-record.js';
import { packV3 } from '../../src/envelope/packet.js';
import {
  createMessageDecoder,
  createMessageEncoder,
  createRegistry,
  InvalidArgumentError,
  InvalidMessageError,
  MessageReader,
  MessageWriter,
} from '../../src/index.js';
import { lz4Compression } from '../../src/plugins/compression-lz4/index.js';
import { gzipBomb, lz4Bomb, lz4FrameHeader, zstdBomb } from '../support/bombs.js';
import { failure } from '../support/failure.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** A SINETStream message (v3, not encrypted) whose record holds `compressed` as the value. */
const envelope = (compressed: Uint8Array) => packV3(encodeRecord(0, compressed), 0);

/**
 * Decodes `bytes` with the default max_message_size (64 MiB) and returns the error, with how
 * much the process's resident memory grew meanwhile.
 */
async function decodeBomb(algorithm: string, bytes: Uint8Array, registry = createRegistry()) {
  const decoder = await createMessageDecoder({
    noConfig: true,
    dataCompression: true,
    compression: { algorithm },
    registry,
  });
  const before = process.memoryUsage().rss;
  const error = await failure(() => decoder.decode(envelope(bytes)));
  return { error, grewBy: process.memoryUsage().rss - before };
}

describe('a compressed message that inflates beyond max_message_size', () => {
  // A generous bound: the limit (64 MiB) and the decompressors' chunks, far below a bomb.
  const MEMORY_BOUND = 200 * MiB;
  const tooLarge = /decompresses to more than max_message_size \(67108864 bytes\)/;

  it('a 32 KiB zstd frame inflating to 1 GiB (no size stated) is refused while inflating', async () => {
    const bomb = zstdBomb(8192);
    expect(bomb.length).toBeLessThan(33 * 1024);
    const { error, grewBy } = await decodeBomb('zstd', bomb);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error.message).toMatch(tooLarge);
    expect(grewBy).toBeLessThan(MEMORY_BOUND);
  });

  it('the same frame on zstd-wasm', async () => {
    const registry = createRegistry().registerCompression('zstd', zstdCompressionOn(loadWasmZstd));
    const { error, grewBy } = await decodeBomb('zstd', zstdBomb(8192), registry);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error.message).toMatch(tooLarge);
    expect(grewBy).toBeLessThan(MEMORY_BOUND);
  });

  it('a zstd frame that states 1 GiB is refused before inflating', async () => {
    const { error, grewBy } = await decodeBomb('zstd', zstdBomb(8192, GiB));
    expect(error.message).toMatch(tooLarge);
    expect(grewBy).toBeLessThan(MEMORY_BOUND);
  });

  it('a 1 MiB gzip (zlib) stream inflating to 1 GiB is refused while inflating', async () => {
    const bomb = gzipBomb(1024);
    expect(bomb.length).toBeLessThan(1.1 * MiB);
    const { error, grewBy } = await decodeBomb('gzip', bomb);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error.message).toMatch(tooLarge);
    expect(grewBy).toBeLessThan(MEMORY_BOUND);
  });

  it('a 2 MiB lz4 frame inflating to 500 MiB is refused while inflating', async () => {
    const bomb = await lz4Bomb(2 * MiB);
    const { error, grewBy } = await decodeBomb('lz4', bomb);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error.message).toMatch(tooLarge);
    expect(grewBy).toBeLessThan(MEMORY_BOUND);
  });

  it.each([
    ['gzip', () => gzipBomb(4)],
    ['zstd', () => zstdBomb(32)],
    ['lz4', () => lz4Bomb(40_000)],
  ] as const)(
    '%s: a value of exactly max_message_size passes, one byte less refuses it',
    async (algorithm, bomb) => {
      const bytes = envelope(await bomb());
      const inflated = algorithm === 'lz4' ? 8 * MiB : 4 * MiB;
      const at = async (maxMessageSize: number) =>
        (
          await createMessageDecoder({
            noConfig: true,
            dataCompression: true,
            compression: { algorithm },
            maxMessageSize,
          })
        ).decode(bytes);
      expect((await at(inflated)).value.length).toBe(inflated);
      const error = await failure(() => at(inflated - 1));
      expect(error).toBeInstanceOf(InvalidMessageError);
      expect(error.message).toContain(`max_message_size (${inflated - 1} bytes)`);
    },
  );
});

/** An LZ4 frame of two linked blocks (64 KiB at most) holding 600 bytes, the size stated or not. */
function linkedLz4Frame(statesSize: boolean): { frame: Buffer; content: Buffer } {
  const first = Buffer.from('0123456789abcdef'.repeat(36).slice(0, 563));
  // Block 2: no literals, a 32-byte match 64 bytes back (into block 1), then 5 literals.
  const second = Buffer.from([0x0f, 0x40, 0x00, 0x0d, 0x50, ...Buffer.from('WXYZ!')]);
  const blockHeader = (size: number, raw: boolean) => {
    const header = Buffer.alloc(4);
    header.writeUInt32LE((size | (raw ? 0x80000000 : 0)) >>> 0);
    return header;
  };
  const frame = Buffer.concat([
    lz4FrameHeader(Buffer.from(statesSize ? '48405802000000000000' : '4040', 'hex')),
    blockHeader(first.length, true),
    first,
    blockHeader(second.length, false),
    second,
    Buffer.alloc(4),
  ]);
  const window = first.subarray(first.length - 64);
  const match = Buffer.concat([window, window]).subarray(0, 32);
  return { frame, content: Buffer.concat([first, match, Buffer.from('WXYZ!')]) };
}

describe('lz4 frames whose blocks could outgrow max_message_size', () => {
  it.each([
    ['stated', true],
    ['not stated', false],
  ])(
    'are measured block by block, linked blocks reading the block before (size %s)',
    async (_, statesSize) => {
      const { frame, content } = linkedLz4Frame(statesSize);
      const lz4 = await lz4Compression.create(undefined, {});
      // Two blocks of up to 64 KiB could exceed 1000 bytes: the measuring pass runs, and passes.
      expect(Buffer.from(lz4.decompress(frame, 1000))).toEqual(content);
      expect(Buffer.from(lz4.decompress(frame, 600))).toEqual(content);
      expect(() => lz4.decompress(frame, 599)).toThrow(/max_message_size \(599 bytes\)/);
    },
  );

  it('a second frame behind the first is refused, not inflated', async () => {
    const lz4 = await lz4Compression.create(undefined, {});
    const one = lz4.compress(new Uint8Array(100));
    expect(() => lz4.decompress(Buffer.concat([one, one]), MiB)).toThrow(InvalidMessageError);
  });
});

describe('max_message_size on the writer side', () => {
  it('a writer refuses a value larger than max_message_size, naming both sizes', async () => {
    const config = {
      s: { type: 'memory', brokers: 'hostile-size', topic: 't', max_message_size: 1000 },
    };
    await using writer = await new MessageWriter({ service: 's', config }).open();
    await writer.publish(new Uint8Array(1000));
    const error = await failure(() => writer.publish(new Uint8Array(1001)));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(
      /1001 bytes serialized, more than max_message_size \(1000 bytes\)/,
    );
  });

  it('a reader refuses an uncompressed value larger than its max_message_size', async () => {
    const config = { s: { type: 'memory', brokers: 'hostile-size-2', topic: 't' } };
    await using reader = await new MessageReader({
      service: 's',
      config,
      maxMessageSize: 10,
      receiveTimeoutMs: 200,
    }).open();
    await using writer = await new MessageWriter({ service: 's', config }).open();
    await writer.publish(new Uint8Array(11));
    const error = await failure(async () => {
      for await (const _ of reader) {
      }
    });
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error.message).toMatch(/11 bytes, more than max_message_size \(10 bytes\)/);
  });

  it('max_message_size given to the API must be a whole number above 0', async () => {
    for (const maxMessageSize of [0, -1, 1.5]) {
      const error = await failure(() => createMessageEncoder({ noConfig: true, maxMessageSize }));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.message).toMatch(/max_message_size: expected a whole number of bytes above 0/);
    }
  });
});
