/** What a zstd backend is told about the frame it decompresses. */
export interface ZstdOutput {
  /** The size the frame header states, when it states one. */
  readonly contentSize: number | undefined;
  /** The most bytes the backend may produce, however many the frame holds. */
  readonly outputLimit: number;
}

/** Thrown by a backend whose output would exceed `outputLimit`. */
export class ZstdOutputLimitError extends Error {
  override name = 'ZstdOutputLimitError';
}

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
   * Decompresses the one whole frame in `bytes`, as readZstdFrame found it, holding at most
   * `outputLimit` bytes (and a chunk) on the way; ZstdOutputLimitError when it holds more.
   */
  decompress(bytes: Uint8Array, output: ZstdOutput): Uint8Array;
}
