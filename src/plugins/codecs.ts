import { gzipCompression } from '../compression/gzip.js';
import type { PluginRegistry } from '../spi/registry.js';
import { byteArrayValueType, textValueType } from '../value-types/index.js';

/**
 * Registers the built-in value types and compressions, the same in Node and in a browser
 * (where the build swaps in the browser versions of the modules behind them). All but
 * `byte_array`, `text` and `gzip` are imported when a service first names them.
 */
export function registerBuiltinCodecs(registry: PluginRegistry): PluginRegistry {
  return registry
    .registerValueType('byte_array', byteArrayValueType)
    .registerValueType('text', textValueType)
    .registerValueType(
      'ndarray',
      async () => (await import('../value-types/ndarray.js')).ndarrayValueType,
    )
    .registerValueType(
      'image',
      async () => (await import('../value-types/image.js')).imageValueType,
    )
    .registerCompression('gzip', gzipCompression)
    .registerCompression(
      'zstd',
      async () => (await import('../compression/zstd.js')).zstdCompression,
    )
    .registerCompression(
      'lz4',
      async () => (await import('./compression-lz4/index.js')).lz4Compression,
    );
}
