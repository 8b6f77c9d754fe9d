import { InvalidArgumentError, InvalidMessageError, messageTooLarge } from '../errors.js';
import type { ParamDeclarations } from '../spi/parameters.js';
import type { CompressionPlugin } from '../spi/types.js';
import { type ZstdBackend, type ZstdFrameFlags, ZstdOutputLimitError } from './zstd-backend.js';
import { readZstdFrame, type ZstdFrameInfo } from './zstd-frame.js';

/**
 * Node's built-in zstd where the runtime has one (native code, no WebAssembly to load),
 * zstd-wasm elsewhere. Both are imported only when chosen.
 */
export async function loadZstd(): Promise<ZstdBackend> {
  const { nativeZstd } = await import('./zstd-native.js');
  return nativeZstd ?? (await import('./zstd-wasm.js')).loadWasmZstd();
}

/**
 * Block headers let a frame decompress to 32768 times its own size (GiBs from a 1 MiB
 * message). Whatever max_message_size allows, zstd-wasm cannot return 2 GiB (its memory ends
 * there), so both backends stop below it.
 */
const MAX_OUTPUT = 2 ** 31 - 1;

/**
 * The frame walk comes before any backend sees the bytes: it accepts exactly one whole frame
 * (Node 22's decompressor returns a truncated frame's partial output, or only the first of
 * two frames, without an error) and gives the most bytes that frame can produce. The backend
 * may produce no more than that, nor more than `maxSize`: a stated size above `maxSize` is
 * refused before decompressing, an unstated one stops at `maxSize` while decompressing.
 */
function decompressFrame(
  backend: ZstdBackend,
  bytes: Uint8Array,
  maxSize: number,
  windowLogMax: number | undefined,
): Uint8Array {
  const limit = Math.min(maxSize, MAX_OUTPUT);
  let frame: ZstdFrameInfo;
  try {
    frame = readZstdFrame(bytes);
  } catch (error) {
    throw doesNotDecompress(error);
  }
  const { contentSize, maxContentSize } = frame;
  if (contentSize !== undefined && contentSize > limit) throw tooLarge(limit);
  const outputLimit = Math.min(contentSize ?? maxContentSize, limit);
  try {
    // python-zstandard decompresses a frame stating its size in one call, which no window
    // limit applies to; only a frame without one is streamed under max_window_size.
    return backend.decompress(bytes, {
      contentSize,
      outputLimit,
      windowLogMax: contentSize === undefined ? windowLogMax : undefined,
    });
  } catch (error) {
    if (error instanceof ZstdOutputLimitError && outputLimit === limit) {
      throw tooLarge(limit, error);
    }
    throw doesNotDecompress(error);
  }
}

function doesNotDecompress(error: unknown): InvalidMessageError {
  return new InvalidMessageError(
    `message does not decompress with zstd: ${(error as Error).message}`,
    { cause: error },
  );
}

/** The 2 GiB ceiling is the library's, not the user's: say which one was reached. */
function tooLarge(limit: number, cause?: unknown): InvalidMessageError {
  return limit === MAX_OUTPUT
    ? new InvalidMessageError(`message decompresses to more than ${MAX_OUTPUT} bytes`, { cause })
    : messageTooLarge(limit, cause);
}

/**
 * `compression.zstd`: the arguments of python-zstandard's ZstdCompressor and
 * ZstdDecompressor that a config file can give (dictionaries and parameter objects cannot be
 * written in one). Python hands the whole block to both and fails on the other role's keys;
 * ours ignores them, so one block serves both roles.
 */
export const ZSTD_PARAMETERS = {
  level: {
    type: 'integer',
    role: 'writer',
    description:
      "compression level, 22 or less (negative: faster; 0: zstd's default, 3); beats compression.level",
  },
  write_checksum: {
    type: 'boolean',
    role: 'writer',
    description: 'end each frame with a content checksum (default false)',
  },
  write_content_size: {
    type: 'boolean',
    role: 'writer',
    description: 'state the content size in the frame header (default true)',
  },
  write_dict_id: {
    type: 'boolean',
    role: 'writer',
    description:
      'state the dictionary id in the frame header (default true; no dictionary is used)',
  },
  threads: {
    type: 'integer',
    role: 'writer',
    description: 'compression worker threads (0: none; negative: one per CPU)',
  },
  max_window_size: {
    type: 'number',
    role: 'reader',
    description: "refuse frames that need a larger window, in bytes (0: zstd's limit)",
  },
  format: {
    type: { oneOf: [0] },
    role: 'reader',
    description: 'FORMAT_ZSTD1 (0); magicless frames (1) are not supported',
  },
} as const satisfies ParamDeclarations;

interface ZstdBlock {
  readonly level?: number;
  readonly write_checksum?: boolean;
  readonly write_content_size?: boolean;
  readonly write_dict_id?: boolean;
  readonly threads?: number;
  readonly max_window_size?: number;
}

function checkLevel(level: number, key: string): number {
  if (!Number.isInteger(level) || level > 22) {
    throw new InvalidArgumentError(`${key}: zstd takes 22 or less, got ${level}`);
  }
  return level;
}

/** The `zstd` plugin on the backend `load` gives; tests use it to pin one. */
export function zstdCompressionOn(load: () => Promise<ZstdBackend>): CompressionPlugin {
  return {
    name: 'zstd',
    parameters: ZSTD_PARAMETERS,
    async create(level = 3, params = {}) {
      const block = params as ZstdBlock;
      const chosenLevel =
        block.level !== undefined
          ? checkLevel(block.level, 'compression.zstd.level')
          : checkLevel(level, 'compression.level');
      const flags: ZstdFrameFlags = {
        checksum: block.write_checksum,
        contentSize: block.write_content_size,
        dictId: block.write_dict_id,
        workers:
          block.threads !== undefined && block.threads < 0
            ? navigator.hardwareConcurrency
            : block.threads,
      };
      // python-zstandard, like zstd, takes the largest power of two not above the size.
      const windowLogMax = block.max_window_size
        ? Math.floor(Math.log2(block.max_window_size))
        : undefined;
      const backend = await load();
      // Without them (zstd-wasm) a reader still reads every frame (the flags only shape what
      // a writer writes, and no window limit is enforced); a writer is refused rather than
      // write frames other than the block asks for.
      const given = Object.entries(flags).filter(([, value]) => value !== undefined);
      const unsupported =
        backend.frameOptions || given.length === 0
          ? undefined
          : `compression.zstd: ${given.map(([key]) => key).join(', ')} need Node's own zstd (Node 22.15 or later); ${backend.name} takes only the level`;
      return {
        compress(bytes) {
          if (unsupported) throw new InvalidArgumentError(unsupported);
          return backend.compress(bytes, chosenLevel, flags);
        },
        decompress: (bytes, maxSize) => decompressFrame(backend, bytes, maxSize, windowLogMax),
      };
    },
  };
}

/** zstd (`compression.algorithm: zstd`), levels up to 22 (negative too) as python-zstandard's, default 3. */
export const zstdCompression = zstdCompressionOn(loadZstd);
