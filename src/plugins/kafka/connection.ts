import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { Admin, type BaseOptions, type SASLOptions } from '@platformatic/kafka';
import { InvalidArgumentError } from '../../errors.js';
import { parseBroker } from '../../spi/brokers.js';
import type { ConnectTarget } from '../../spi/errors.js';
import { nodeTlsOptions } from '../../spi/tls.js';
import type { PluginContext } from '../../spi/types.js';
import type { KafkaParams } from './parameters.js';

export const DEFAULT_PORT = 9092;

/** The options every client (producer, consumer) shares: where, who, and how securely. */
export type ConnectionOptions = Pick<
  BaseOptions,
  | 'clientId'
  | 'bootstrapBrokers'
  | 'tls'
  | 'sasl'
  | 'timeout'
  | 'requestTimeout'
  | 'retryDelay'
  | 'metadataMaxAge'
>;

/**
 * Maps brokers, client_id, security_protocol, sasl_* and TLS (the `tls` block, overridden by
 * ssl_* parameters as kafka-python users expect) to the client's options.
 */
export function connectionOptions(context: PluginContext, params: KafkaParams): ConnectionOptions {
  if (context.brokers.length === 0)
    throw new InvalidArgumentError('brokers: at least one Kafka broker is required');
  const protocol = params.security_protocol ?? (context.tls ? 'SSL' : 'PLAINTEXT');
  const options: ConnectionOptions = {
    clientId: context.clientId,
    bootstrapBrokers: context.brokers.map((b) => parseBroker(b, DEFAULT_PORT)),
  };
  const requestTimeout = params.request_timeout_ms;
  if (requestTimeout !== undefined) {
    options.timeout = requestTimeout;
    options.requestTimeout = requestTimeout;
  }
  const retryDelay = params.retry_backoff_ms;
  if (retryDelay !== undefined) options.retryDelay = retryDelay;
  const metadataMaxAge = params.metadata_max_age_ms;
  if (metadataMaxAge !== undefined) options.metadataMaxAge = metadataMaxAge;
  if (protocol === 'SSL' || protocol === 'SASL_SSL') options.tls = tlsOptions(context, params);
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') options.sasl = saslOptions(params);
  return options;
}

/** The brokers a client bootstraps from, for a connection error to name. */
export function connectTarget(context: PluginContext, options: ConnectionOptions): ConnectTarget {
  return { type: 'kafka', address: context.brokers.join(','), tls: options.tls !== undefined };
}

function saslOptions(params: KafkaParams): SASLOptions {
  // kafka-python's default mechanism.
  const mechanism = params.sasl_mechanism;
  const username = params.sasl_plain_username;
  const password = params.sasl_plain_password?.revealText();
  if (username === undefined)
    throw new InvalidArgumentError(`sasl_plain_username: required for SASL ${mechanism}`);
  if (password === undefined)
    throw new InvalidArgumentError(`sasl_plain_password: required for SASL ${mechanism}`);
  return { mechanism, username, password };
}

/** The `tls` block, each key overridden by its kafka-python twin. */
function tlsOptions(context: PluginContext, params: KafkaParams): TlsOptions {
  const tls = context.tls;
  const ca = params.ssl_cafile ?? tls?.ca;
  const cert = params.ssl_certfile ?? tls?.cert;
  const key = params.ssl_keyfile ?? tls?.key;
  const keyPassword = params.ssl_password ?? tls?.keyPassword;
  const ciphers = params.ssl_ciphers ?? tls?.ciphers;
  return nodeTlsOptions({
    checkHostname: params.ssl_check_hostname ?? tls?.checkHostname ?? true,
    ...(ca && { ca }),
    ...(cert && { cert }),
    ...(key && { key }),
    ...(keyPassword && { keyPassword }),
    ...(ciphers !== undefined && { ciphers }),
  });
}

/**
 * Asks every bootstrap broker for metadata once, without the client's retries (which nest:
 * 3 retries a second apart at each of two levels made a non-Kafka port take 15 s to fail, and
 * a refused connection 3 to 15 s). Resolves when one answers; otherwise rejects with the first
 * failure: nothing listening, a port that is not Kafka's, TLS against plaintext or the other
 * way round, refused credentials. Like the MQTT and AMQP plugins, `open()` does not wait for a
 * broker that is not there; the error is `retriable` so a caller can retry. Once open, the
 * client's retries ride out a broker restart.
 */
export async function probeBrokers(options: ConnectionOptions): Promise<void> {
  const failures = await Promise.all(
    options.bootstrapBrokers.map(async (broker) => {
      const only = typeof broker === 'string' ? [broker] : [broker];
      const admin = new Admin({ ...options, bootstrapBrokers: only, retries: 0 });
      try {
        await admin.metadata({ topics: [] });
        return undefined;
      } catch (error) {
        return error;
      } finally {
        await admin.close().catch(() => undefined);
      }
    }),
  );
  if (failures.some((failure) => failure === undefined)) return;
  throw failures[0];
}
