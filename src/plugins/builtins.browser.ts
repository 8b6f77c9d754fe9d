/**
 * The built-in plugins a browser can use: memory and MQTT over WebSocket, with every value
 * type and compression. Kafka, AMQP and S3 speak raw TCP, which a page cannot open; plugins
 * are not looked for in installed packages (a page has no node_modules to read).
 */
import { gzipCompression } from '../compression/gzip.js';
import { PluginRegistry } from '../spi/registry.js';
import { byteArrayValueType, textValueType } from '../value-types/index.js';
import { memoryPlugin } from './memory/index.js';

/** A registry holding every built-in plugin a browser can use; MQTT is imported on first use. */
export function createRegistry(): PluginRegistry {
  return new PluginRegistry()
    .registerBroker('memory', memoryPlugin)
    .registerBroker('mqtt', async () => (await import('./mqtt/index.js')).plugin)
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

export const defaultRegistry: PluginRegistry = createRegistry();
