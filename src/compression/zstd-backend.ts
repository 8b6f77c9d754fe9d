import type { ZstdFrameInfo } from './zstd-frame.js';

/** A zstd library the `zstd` compression plugin can run on. */
export interface ZstdBackend {
  /** Which library this is, for diagnostics and tests. */
  readonly name: string;
  /**
   * One frame that states its content size in the header, as python-zstandard's default
   * writer does, so readers that size their output from it can.
   */
  compress(bytes: Uint8Array, level: number): Uint8Array;
  /**
   * Decompresses the one whole frame in `bytes`, as readZstdFrame found it; fails rather
   * than produce more than its stated content size, or without one, its `maxContentSize`.
   */
  decompress(bytes: Uint8Array, frame: ZstdFrameInfo): Uint8Array;
}
