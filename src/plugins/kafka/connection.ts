import { readFile } from 'node:fs/promises';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { BaseOptions, SASLOptions } from '@platformatic/kafka';
import { InvalidArgumentError } from '../../errors.js';
import { parseBroker } from '../../spi/brokers.js';
import type { PluginContext } from '../../spi/types.js';
import { bool, choice, type KafkaParams, num, str } from './params.js';

export const DEFAULT_PORT = 9092;

const PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

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
 * ssl_* parameters as kafka-python users expect) to the client's options. Files are read here,
 * so a missing CA file fails `open` with the key that named it.
 */
export async function connectionOptions(
  context: PluginContext,
  params: KafkaParams,
): Promise<ConnectionOptions> {
  if (context.brokers.length === 0)
    throw new InvalidArgumentError('brokers: at least one Kafka broker is required');
  const protocol =
    choice(params, 'security_protocol', PROTOCOLS) ?? (context.tls ? 'SSL' : 'PLAINTEXT');
  const options: ConnectionOptions = {
    clientId: context.clientId,
    bootstrapBrokers: context.brokers.map((b) => parseBroker(b, DEFAULT_PORT)),
  };
  const requestTimeout = num(params, 'request_timeout_ms');
  if (requestTimeout !== undefined) {
    options.timeout = requestTimeout;
    options.requestTimeout = requestTimeout;
  }
  const retryDelay = num(params, 'retry_backoff_ms');
  if (retryDelay !== undefined) options.retryDelay = retryDelay;
  const metadataMaxAge = num(params, 'metadata_max_age_ms');
  if (metadataMaxAge !== undefined) options.metadataMaxAge = metadataMaxAge;
  if (protocol === 'SSL' || protocol === 'SASL_SSL')
    options.tls = await tlsOptions(context, params);
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') options.sasl = saslOptions(params);
  return options;
}

function saslOptions(params: KafkaParams): SASLOptions {
  // kafka-python's default mechanism.
  const mechanism = choice(params, 'sasl_mechanism', MECHANISMS) ?? 'PLAIN';
  const username = str(params, 'sasl_plain_username');
  const password = str(params, 'sasl_plain_password');
  if (username === undefined)
    throw new InvalidArgumentError(`sasl_plain_username: required for SASL ${mechanism}`);
  if (password === undefined)
    throw new InvalidArgumentError(`sasl_plain_password: required for SASL ${mechanism}`);
  return { mechanism, username, password };
}

async function tlsOptions(context: PluginContext, params: KafkaParams): Promise<TlsOptions> {
  const tls = context.tls;
  const options: TlsOptions = {};
  const files = [
    ['ca', 'ssl_cafile', tls?.caCerts, 'tls.ca_certs'],
    ['cert', 'ssl_certfile', tls?.certfile, 'tls.certfile'],
    ['key', 'ssl_keyfile', tls?.keyfile, 'tls.keyfile'],
  ] as const;
  for (const [option, key, common, commonKey] of files) {
    const own = str(params, key);
    const path = own ?? common;
    if (path === undefined) continue;
    try {
      options[option] = await readFile(path);
    } catch (error) {
      throw new InvalidArgumentError(
        `${own !== undefined ? key : commonKey}: cannot read "${path}"`,
        { cause: error },
      );
    }
  }
  const passphrase = str(params, 'ssl_password') ?? tls?.keyfilePassword;
  if (passphrase !== undefined) options.passphrase = passphrase;
  const ciphers = str(params, 'ssl_ciphers') ?? tls?.ciphers;
  if (ciphers !== undefined) options.ciphers = ciphers;
  if (!(bool(params, 'ssl_check_hostname') ?? tls?.checkHostname ?? true)) {
    // The chain is still verified against the CA; only the name check is skipped.
    options.checkServerIdentity = () => undefined;
  }
  return options;
}
