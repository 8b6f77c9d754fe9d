import { compress, decompress, init } from '@bokuweb/zstd-wasm';
import { InvalidArgumentError, InvalidMessageError } from '../errors.js';
import type { CompressionPlugin } from '../spi/types.js';
import { readZstdFrame } from './zstd-frame.js';

/** zstd-wasm must load its WebAssembly once before the (synchronous) calls work. */
let ready: Promise<void> | undefined;

function decompressFrame(bytes: Uint8Array): Uint8Array {
  try {
    const frame = readZstdFrame(bytes);
    return decompress(bytes, { defaultHeapSize: frame.contentSize ?? frame.maxContentSize });
  } catch (error) {
    throw new InvalidMessageError(
      `message does not decompress with zstd: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** zstd (`compression.algorithm: zstd`), levels 1..22 as SINETStream's, default 3. */
export const zstdCompression: CompressionPlugin = {
  name: 'zstd',
  async create(level = 3) {
    if (!Number.isInteger(level) || level < 1 || level > 22) {
      throw new InvalidArgumentError(`compression.level: zstd takes 1..22, got ${level}`);
    }
    ready ??= init();
    await ready;
    return {
      compress: (bytes) => compress(bytes, level),
      decompress: decompressFrame,
    };
  },
};
