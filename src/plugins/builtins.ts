import { gzipCompression } from '../compression/gzip.js';
import { PluginRegistry } from '../spi/registry.js';
import type { BrokerPlugin } from '../spi/types.js';
import { byteArrayValueType, textValueType } from '../value-types/index.js';
import { findInstalledPlugin } from './discover.js';
import { memoryPlugin } from './memory/index.js';

/** Imports a built-in plugin only when a service first uses its type. */
function lazy(load: () => Promise<{ plugin: BrokerPlugin }>): () => Promise<BrokerPlugin> {
  return async () => (await load()).plugin;
}

/**
 * A registry holding every built-in plugin (broker clients are imported on first use only),
 * which also finds plugins in installed packages that declare them in their package.json
 * (`"sinetstream": { "brokerTypes": [...], "valueTypes": [...], "compressions": [...] }`).
 */
export function createRegistry(): PluginRegistry {
  return new PluginRegistry((kind, name) => findInstalledPlugin(kind, name))
    .registerBroker('memory', memoryPlugin)
    .registerBroker(
      'kafka',
      lazy(() => import('./kafka/index.js')),
    )
    .registerBroker(
      'amqp-0.9.1',
      lazy(() => import('./amqp091/index.js')),
    )
    .registerBroker(
      'amqp-1.0',
      lazy(() => import('./amqp10/index.js')),
    )
    .registerBroker(
      'mqtt',
      lazy(() => import('./mqtt/index.js')),
    )
    .registerBroker(
      's3',
      lazy(() => import('./s3/index.js')),
    )
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
