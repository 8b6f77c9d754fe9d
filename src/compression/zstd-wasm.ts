import { compress, decompress, init } from '@bokuweb/zstd-wasm';
import type { ZstdBackend } from './zstd-backend.js';

/** zstd-wasm must load its WebAssembly once before the (synchronous) calls work. */
let ready: Promise<void> | undefined;

const wasmZstd: ZstdBackend = {
  name: 'zstd-wasm',
  compress,
  // Its one-shot decompressor allocates the stated content size, or else this, up front.
  decompress: (bytes, frame) =>
    decompress(bytes, { defaultHeapSize: frame.contentSize ?? frame.maxContentSize }),
};

/** The reference C library compiled to WebAssembly, for runtimes without zstd of their own. */
export async function loadWasmZstd(): Promise<ZstdBackend> {
  ready ??= init();
  await ready;
  return wasmZstd;
}
