/** `sinetstream/spi`: what a plugin implements, and the helpers plugins share. */

export { Secret } from '../crypto/secret.js';
export * from '../errors.js';
export type { PluginManifest } from '../plugins/discover.js';
export {
  type BackoffSettings,
  backoffDelay,
  DEFAULT_RECONNECT_BACKOFF,
  RECONNECT_PARAMETER,
  reconnectBackoff,
  sleep,
} from './backoff.js';
export { type BrokerAddress, parseBroker } from './brokers.js';
export {
  type ConnectTarget,
  classifyError,
  type ErrorReport,
  errorChain,
  type SinetErrorClass,
} from './errors.js';
export { headersFromTable } from './headers.js';
export { MessageQueue, type MessageQueueOptions } from './message-queue.js';
export {
  type ParamDeclaration,
  type ParamDeclarations,
  type ParamInput,
  type ParamInputs,
  type ParamType,
  type ParamValue,
  type ParamValues,
  paramsOf,
} from './parameters.js';
export { closestName, type ReadParametersOptions, readParameters } from './read-parameters.js';
export {
  type Lazy,
  type PluginBundle,
  type PluginFinder,
  type PluginKind,
  type PluginModule,
  PluginRegistry,
} from './registry.js';
export { nodeTlsOptions } from './tls.js';
export type * from './types.js';
