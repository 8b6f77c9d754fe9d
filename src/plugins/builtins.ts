import { PluginRegistry } from '../spi/registry.js';
import type { BrokerPlugin } from '../spi/types.js';
import { registerBuiltinCodecs } from './codecs.js';
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
  return registerBuiltinCodecs(new PluginRegistry((kind, name) => findInstalledPlugin(kind, name)))
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
    );
}

export const defaultRegistry: PluginRegistry = createRegistry();
