import type { ResolvedService } from '../config/resolve.js';
import { InvalidArgumentError } from '../errors.js';
import { readParameters } from '../spi/read-parameters.js';
import type { PluginRegistry } from '../spi/registry.js';
import type { Logger, ValueTypeCodec } from '../spi/types.js';

/**
 * The codec of the service's `value_type`: the plugin itself when no args were given, else
 * the plugin's `withArgs` with the args checked against its declarations.
 */
export async function loadValueType(
  resolved: Pick<ResolvedService, 'service' | 'valueType' | 'valueTypeArgs'>,
  registry: PluginRegistry,
  logger: Logger,
): Promise<ValueTypeCodec> {
  const plugin = await registry.valueType(resolved.valueType);
  const args = resolved.valueTypeArgs;
  if (args === undefined) return plugin;
  const where = `service "${resolved.service}": value_type ${plugin.name}: `;
  if (!plugin.withArgs) {
    const given = Object.keys(args).filter((key) => args[key] !== undefined);
    if (given.length > 0) {
      logger.warn(`${where}takes no args; ${given.map((key) => `args.${key}`).join(', ')} ignored`);
    }
    return plugin;
  }
  const checked = plugin.parameters
    ? await readParameters(plugin.parameters, args, {
        role: 'both',
        where,
        type: `value_type ${plugin.name}`,
        prefix: 'args.',
        logger,
      })
    : args;
  try {
    return plugin.withArgs(checked, { warn: (message) => logger.warn(`${where}${message}`) });
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    throw new InvalidArgumentError(`${where}${error.message}`, { cause: error });
  }
}
