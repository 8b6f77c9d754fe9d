/**
 * The built-in plugins a browser can use: memory and MQTT over WebSocket, with every value
 * type and compression. Kafka, AMQP and S3 speak raw TCP, which a page cannot open; plugins
 * are not looked for in installed packages (a page has no node_modules to read).
 */
import { PluginRegistry } from '../spi/registry.js';
import { registerBuiltinCodecs } from './codecs.js';
import { memoryPlugin } from './memory/index.js';

/** A registry holding every built-in plugin a browser can use; MQTT is imported on first use. */
export function createRegistry(): PluginRegistry {
  return registerBuiltinCodecs(new PluginRegistry())
    .registerBroker('memory', memoryPlugin)
    .registerBroker('mqtt', async () => (await import('./mqtt/index.js')).plugin);
}

export const defaultRegistry: PluginRegistry = createRegistry();
