/** sinetstream: one API to send and receive messages through many brokers. */

export { AsyncMessageReader } from './api/async-message-reader.js';
export {
  createMessageDecoder,
  createMessageEncoder,
  type DecodedMessage,
  type DecoderOptions,
  type EncoderOptions,
  type MessageDecoder,
  type MessageEncoder,
} from './api/codec.js';
export { Message } from './api/message.js';
export { MessageReader } from './api/message-reader.js';
export { AsyncMessageWriter, MessageWriter, type PublishOptions } from './api/message-writer.js';
export type {
  CommonOptions,
  ReaderOptions,
  ServiceTypeName,
  TypeSpecOf,
  TypeSpecs,
  ValueOf,
  ValueTypeName,
  ValueTypes,
  WriterOptions,
} from './api/options.js';
export type { ConfigServerOptions } from './config/config-server-http.js';
export { loadConfigFromUrl } from './config/find.js';
export * from './errors.js';
export type { Metrics } from './metrics/index.js';
export { createRegistry } from './plugins/builtins.js';
export type { PluginRegistry } from './spi/registry.js';
export type { Consistency, Logger } from './spi/types.js';

/** `consistency`: a message may be lost, never duplicated. */
export const AT_MOST_ONCE = 'AT_MOST_ONCE';
/** `consistency`: a message is never lost, and may come twice. */
export const AT_LEAST_ONCE = 'AT_LEAST_ONCE';
/** `consistency`: as AT_LEAST_ONCE, with duplicates removed where the broker can (MQTT QoS 2, Kafka idempotence). */
export const EXACTLY_ONCE = 'EXACTLY_ONCE';
export { type HeadersInit, type HeaderValue, headerText } from './api/headers.js';
export {
  collectPrometheusMetrics,
  type PrometheusRegistry,
} from './observability/prometheus.js';
export type { MessageHeaders } from './spi/types.js';
export type { Image } from './value-types/image.js';
export type { Ndarray, NdarrayDataTypes, NdarrayDtype } from './value-types/ndarray.js';
