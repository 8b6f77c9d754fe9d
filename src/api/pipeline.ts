import { applyCommonTwins, type ResolvedService, resolveService } from '../config/resolve.js';
import { loadTlsSettings } from '../config/tls.js';
import { createCipher } from '../crypto/index.js';
import { EnvelopeCodec } from '../envelope/envelope-codec.js';
import { InvalidArgumentError, UnsupportedServiceTypeError } from '../errors.js';
import { readParameters, twinsOf } from '../spi/read-parameters.js';
import type { PluginModule, PluginRegistry } from '../spi/registry.js';
import type { BrokerPlugin, Logger, PluginContext } from '../spi/types.js';
import { loadValueType } from './value-type.js';

/** The envelope a service's compression, encryption and format settings describe. */
export async function buildEnvelope(
  resolved: ResolvedService,
  registry: PluginRegistry,
): Promise<EnvelopeCodec> {
  const { compression } = resolved;
  const compressor = resolved.dataCompression
    ? await (await registry.compression(compression.algorithm)).create(
        compression.level,
        compression.params,
      )
    : undefined;
  const cipher = resolved.dataEncryption ? await createCipher(resolved.crypto) : undefined;
  if (resolved.messageFormat !== 2 && resolved.messageFormat !== 3) {
    throw new InvalidArgumentError(`message_format: ${resolved.messageFormat} is not 2 or 3`);
  }
  return new EnvelopeCodec({
    userDataOnly: resolved.userDataOnly,
    messageFormat: resolved.messageFormat,
    maxMessageSize: resolved.maxMessageSize,
    compressor,
    cipher,
  });
}

/**
 * The registry a service uses: `registry`, plus every plugin (of any kind) exported by the
 * npm modules the service names in `plugin:` (a module or a list; default export or
 * `plugins`), registered in a copy.
 */
export async function serviceRegistry(
  resolved: ResolvedService,
  registry: PluginRegistry,
): Promise<PluginRegistry> {
  if (resolved.plugins.length === 0) return registry;
  const extended = registry.clone();
  for (const name of resolved.plugins) {
    let module: PluginModule;
    try {
      module = (await import(name)) as PluginModule;
    } catch (error) {
      throw new UnsupportedServiceTypeError(
        `service "${resolved.service}": plugin: cannot import module "${name}"`,
        { cause: error },
      );
    }
    extended.registerModule(module, name);
  }
  return extended;
}

/** The broker plugin for the service's type, from the registry. */
export async function loadBrokerPlugin(
  resolved: ResolvedService,
  registry: PluginRegistry,
): Promise<BrokerPlugin> {
  if (resolved.type === '') {
    throw new InvalidArgumentError(
      `service "${resolved.service}": no type given (e.g. type: mqtt)`,
    );
  }
  return registry.broker(resolved.type, resolved.service);
}

/**
 * One value through a stand-alone envelope with timestamp 0, as upstream encodes an MQTT will
 * payload; a string given for byte_array is taken as UTF-8.
 */
async function encodeMessage(
  value: unknown,
  settings: Readonly<Record<string, unknown>>,
  registry: PluginRegistry,
  logger: Logger,
): Promise<Uint8Array> {
  const resolved = resolveService({
    definition: undefined,
    source: '(message settings)',
    service: undefined,
    apiCommon: settings,
    apiParams: {},
    logger,
  });
  const envelope = await buildEnvelope(resolved, registry);
  const valueType = await loadValueType(resolved, registry, logger);
  const serializable =
    typeof value === 'string' && resolved.valueType === 'byte_array'
      ? new TextEncoder().encode(value)
      : value;
  return envelope.encode(valueType.serialize(serializable), 0).bytes;
}

/**
 * What the plugin is told: its parameters checked against its declarations (the other
 * role's skipped), and TLS files read once.
 */
export async function pluginContext(
  resolved: ResolvedService,
  plugin: BrokerPlugin,
  role: 'reader' | 'writer',
  logger: Logger,
  registry: PluginRegistry,
): Promise<PluginContext> {
  const where = `service "${resolved.service}": `;
  const declarations = plugin.parameters;
  const params = applyCommonTwins(resolved, declarations && twinsOf(declarations));
  return {
    service: resolved.service,
    type: resolved.type,
    brokers: resolved.brokers,
    consistency: resolved.consistency,
    clientId: resolved.clientId,
    tls: resolved.tls && (await loadTlsSettings(resolved.tls, where, logger)),
    params: declarations
      ? await readParameters(declarations, params, { role, where, type: resolved.type, logger })
      : params,
    logger,
    encodeMessage: (value, settings) => encodeMessage(value, settings, registry, logger),
  };
}
