/** `sinetstream/spi`: what a plugin implements, and the helpers plugins share. */

export * from '../errors.js';
export { type BackoffSettings, backoffDelay, sleep } from './backoff.js';
export { type BrokerAddress, parseBroker } from './brokers.js';
export { classifyError, type ErrorReport, errorChain, type SinetErrorClass } from './errors.js';
export { MessageQueue, type MessageQueueOptions } from './message-queue.js';
export { type Lazy, type PluginBundle, type PluginModule, PluginRegistry } from './registry.js';
export type * from './types.js';
