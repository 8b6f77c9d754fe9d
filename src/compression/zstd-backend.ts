/** What a zstd backend is told about the frame it decompresses. */
export interface ZstdOutput {
  /** The size the frame header states, when it states one. */
  readonly contentSize: number | undefined;
  /** The most bytes the backend may produce, however many the frame holds. */
  readonly outputLimit: number;
  /** log2 of the largest window a frame may need (python-zstandard's max_window_size). */
  readonly windowLogMax?: number | undefined;
}

/** python-zstandard's ZstdCompressor flags, where they differ from its defaults. */
export interface ZstdFrameFlags {
  /** `write_checksum`: a 4-byte content checksum after the last block. Default false. */
  readonly checksum?: boolean | undefined;
  /** `write_content_size`: the size in the frame header. Default true. */
  readonly contentSize?: boolean | undefined;
  /** `write_dict_id`: the dictionary's id in the header. Default true. */
  readonly dictId?: boolean | undefined;
  /** `threads`: worker threads (0: none). */
  readonly workers?: number | undefined;
}

/** Thrown by a backend whose output would exceed `outputLimit`. */
export class ZstdOutputLimitError extends Error {
  override name = 'ZstdOutputLimitError';
}

/** A zstd library the `zstd` compression plugin can run on. */
export interface ZstdBackend {
  /** Which library this is, for diagnostics and tests. */
  readonly name: string;
  /** Whether `compress` honours ZstdFrameFlags and `decompress` windowLogMax. */
  readonly frameOptions: boolean;
  /**
   * One frame that states its content size in the header, as python-zstandard's default
   * writer does, so readers that size their output from it can.
   */
  compress(bytes: Uint8Array, level: number, flags?: ZstdFrameFlags): Uint8Array;
  /**
   * Decompresses the one whole frame in `bytes`, as readZstdFrame found it, holding at most
   * `outputLimit` bytes (and a chunk) on the way; ZstdOutputLimitError when it holds more.
   */
  decompress(bytes: Uint8Array, output: ZstdOutput): Uint8Array;
}
