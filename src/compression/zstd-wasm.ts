import { compress, decompress, init } from '@bokuweb/zstd-wasm';
import { type ZstdBackend, ZstdOutputLimitError } from './zstd-backend.js';

/** How zstd-wasm reports ZSTD_error_dstSize_tooSmall (error code 70, returned negated). */
const DESTINATION_TOO_SMALL = /code -70$/;

/** zstd-wasm must load its WebAssembly once before the (synchronous) calls work. */
let ready: Promise<void> | undefined;

const wasmZstd: ZstdBackend = {
  name: 'zstd-wasm',
  frameOptions: false,
  compress: (bytes, level) => compress(bytes, level),
  // Its one-shot decompressor allocates the stated content size, or else this, up front, and
  // fails rather than write past it. The caller refuses stated sizes above the limit.
  decompress(bytes, { outputLimit }) {
    try {
      return decompress(bytes, { defaultHeapSize: outputLimit });
    } catch (error) {
      if (!DESTINATION_TOO_SMALL.test((error as Error).message)) throw error;
      throw new ZstdOutputLimitError(`output exceeds ${outputLimit} bytes`, { cause: error });
    }
  },
};

/** The reference C library compiled to WebAssembly, for runtimes without zstd of their own. */
export async function loadWasmZstd(): Promise<ZstdBackend> {
  ready ??= init();
  await ready;
  return wasmZstd;
}
