/**
 * What Python SINETStream 1.10 is given of a case's parameters, for the Node and the browser
 * interop tests alike (nothing here needs Node).
 */
import type { Params } from './matrix.js';

/**
 * The keys of `compression.<algorithm>` Python's *decompressor* takes: it is handed the whole
 * block and fails on a writer's key, which ours ignores when reading.
 */
const PYTHON_READER_KEYS: Readonly<Record<string, readonly string[]>> = {
  gzip: ['wbits', 'zdict'],
  zstd: ['max_window_size', 'format'],
  lz4: [],
};

export function pythonReaderParams(params: Params): Params {
  const compression = params.compression as Params | undefined;
  if (!compression) return params;
  const algorithm = (compression.algorithm as string | undefined) ?? 'gzip';
  const block = compression[algorithm] as Params | undefined;
  if (!block) return params;
  const keep = PYTHON_READER_KEYS[algorithm] ?? [];
  const readerBlock = Object.fromEntries(Object.entries(block).filter(([k]) => keep.includes(k)));
  return { ...params, compression: { ...compression, [algorithm]: readerBlock } };
}

/** Python's compressor fails on a reader's key, which ours ignores when writing. */
/** The writer's block without the keys only a Python decompressor takes. */
export function pythonWriterParams(params: Params): Params {
  const compression = params.compression as Params | undefined;
  const zstd = compression?.zstd as Params | undefined;
  if (!zstd) return params;
  const { max_window_size: _size, format: _format, ...writerBlock } = zstd;
  return { ...params, compression: { ...compression, zstd: writerBlock } };
}

/** Our public codec's options for a case's parameters, the same the Python side gets. */
export function codecOptions(params: Params) {
  return {
    noConfig: true as const,
    valueType: params.value_type as string,
    dataEncryption: params.data_encryption === true,
    crypto: params.crypto as Params | undefined,
    dataCompression: params.data_compression === true,
    compression: params.compression as Params | undefined,
    userDataOnly: params.user_data_only === true,
    messageFormat: (params.message_format ?? 3) as 2 | 3,
  };
}
