import type { Command } from 'commander';
import { loadValueType } from '../api/value-type.js';
import { findConfigFile, readConfigFile, searchedPaths } from '../config/find.js';
import { resolveService } from '../config/resolve.js';
import { type ConfigDocument, parseConfigDocument } from '../config/services.js';
import { SinetError } from '../errors.js';
import { createRegistry } from '../plugins/builtins.js';
import { readParameters } from '../spi/read-parameters.js';

interface ConfigFlags {
  configFile?: string;
}

/** Every problem of every service, each with its path in the file. */
async function problems(config: ConfigDocument): Promise<string[]> {
  const registry = createRegistry();
  const found: string[] = [];
  const prefix = config.version === 1 ? '' : 'config.';
  for (const definition of config.services.values()) {
    const at = (key: string) => `${config.source}: ${prefix}${definition.name}.${key}`;
    try {
      const resolved = resolveService({
        definition,
        source: config.source,
        service: definition.name,
        apiCommon: {},
        apiParams: {},
        logger: { warn: (message) => found.push(message.replace(/; ignored$/, '')) },
      });
      if (resolved.type === '') found.push(`${at('type')}: missing`);
      else if (!registry.brokerTypes().includes(resolved.type) && resolved.plugins.length === 0) {
        found.push(
          `${at('type')}: no plugin for "${resolved.type}" (known: ${registry.brokerTypes().join(', ')})`,
        );
      }
      const plugin = registry.brokerTypes().includes(resolved.type)
        ? await registry.broker(resolved.type)
        : undefined;
      if (plugin?.parameters) {
        await readParameters(plugin.parameters, resolved.params, {
          role: 'both',
          where: `${config.source}: ${prefix}${definition.name}: `,
          type: resolved.type,
          logger: { warn: (message) => found.push(message.replace(/; ignored$/, '')) },
          report: (problem) => found.push(problem.message),
        });
      }
      if (!registry.valueTypeNames().includes(resolved.valueType)) {
        found.push(`${at('value_type')}: unknown "${resolved.valueType}"`);
      } else {
        // The args of `value_type: {name, args}`, checked as a reader or writer would.
        const located = (message: string) =>
          message.replace(`service "${definition.name}": `, `${at('').slice(0, -1)}: `);
        await loadValueType(resolved, registry, {
          warn: (message) => found.push(located(message)),
        }).catch((error: unknown) =>
          found.push(located(error instanceof Error ? error.message : String(error))),
        );
      }
      if (
        resolved.dataCompression &&
        !registry.compressionNames().includes(resolved.compression.algorithm)
      ) {
        found.push(`${at('compression.algorithm')}: unknown "${resolved.compression.algorithm}"`);
      }
      if (resolved.userDataOnly && (resolved.dataCompression || resolved.dataEncryption)) {
        found.push(
          `${at('user_data_only')}: cannot be combined with data_compression or data_encryption`,
        );
      }
    } catch (error) {
      found.push(`${at('')}${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return found;
}

export function configCommand(program: Command): void {
  program
    .command('config')
    .description('show which config file is used, list its services and check them')
    .option('--config-file <path>', 'check this file instead of the one found')
    .action(async (flags: ConfigFlags) => {
      const file = flags.configFile ? readConfigFile(flags.configFile) : findConfigFile();
      if (!file) {
        throw new SinetError(`no config file found; looked for ${searchedPaths().join(', ')}`);
      }
      const config = parseConfigDocument(file.document, file.source);
      process.stdout.write(`config file: ${file.source} (format version ${config.version})\n`);
      for (const { name, common } of config.services.values()) {
        const brokers = Array.isArray(common.brokers)
          ? common.brokers.join(',')
          : (common.brokers ?? '-');
        const topic = common.topic ?? common.topics ?? '-';
        process.stdout.write(
          `  ${name}: type=${String(common.type ?? '?')} brokers=${String(brokers)} topic=${String(topic)}\n`,
        );
      }
      const found = await problems(config);
      for (const problem of found) process.stdout.write(`problem: ${problem}\n`);
      if (found.length > 0) {
        throw new SinetError(`${found.length} problem(s) in ${file.source}`);
      }
      process.stdout.write('no problems found\n');
    });
}
