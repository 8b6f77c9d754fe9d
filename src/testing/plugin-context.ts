import { randomUUID } from 'node:crypto';
import { loadTlsSettings } from '../config/tls.js';
import { readParameters } from '../spi/read-parameters.js';
import type {
  BrokerPlugin,
  Consistency,
  Logger,
  PluginContext,
  ReaderContext,
  WriterContext,
} from '../spi/types.js';

/** A service as a plugin test gives it: what a config file would say, already picked. */
export interface PluginContextInput {
  brokers: readonly string[];
  service?: string;
  consistency?: Consistency;
  clientId?: string;
  /** The `type_spec` keys, as in a config file. */
  params?: Readonly<Record<string, unknown>>;
  /** The common `tls` block as in a config file (`ca_certs`, `certfile`...), or `true`. */
  tls?: true | Readonly<Record<string, unknown>>;
  logger?: Logger;
  maxUnackedMessages?: number;
  receiveTimeoutMs?: number;
}

async function baseContext(
  plugin: BrokerPlugin,
  role: 'reader' | 'writer',
  input: PluginContextInput,
): Promise<PluginContext> {
  const service = input.service ?? `test-${randomUUID().slice(0, 8)}`;
  const where = `service "${service}": `;
  const logger = input.logger ?? { warn: (message) => process.stderr.write(`${message}\n`) };
  const params = input.params ?? {};
  const tls = input.tls === true ? {} : input.tls;
  return {
    service,
    type: plugin.type,
    brokers: input.brokers,
    consistency: input.consistency ?? 'AT_LEAST_ONCE',
    clientId: input.clientId ?? `sinetstream-test-${randomUUID().slice(0, 8)}`,
    tls: tls && (await loadTlsSettings(tls, where, logger)),
    params: plugin.parameters
      ? await readParameters(plugin.parameters, params, { role, where, type: plugin.type, logger })
      : params,
    logger,
  };
}

/**
 * The context core would give `plugin`'s writer for this service: parameters checked
 * against the plugin's declarations (errors and warnings as a user would get them), TLS
 * files read. For plugin tests that drive a writer without the public API.
 */
export async function createWriterContext(
  plugin: BrokerPlugin,
  topic: string,
  input: PluginContextInput,
): Promise<WriterContext> {
  return { ...(await baseContext(plugin, 'writer', input)), topic };
}

/** The context core would give `plugin`'s reader; see createWriterContext. */
export async function createReaderContext(
  plugin: BrokerPlugin,
  topics: readonly string[],
  input: PluginContextInput,
): Promise<ReaderContext> {
  return {
    ...(await baseContext(plugin, 'reader', input)),
    topics,
    receiveTimeoutMs: input.receiveTimeoutMs ?? Number.POSITIVE_INFINITY,
    maxUnackedMessages: input.maxUnackedMessages ?? 100,
  };
}
