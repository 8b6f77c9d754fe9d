import type { Command } from 'commander';
import { createRegistry } from '../plugins/builtins.js';
import type { ParamDeclarations } from '../spi/parameters.js';
import { describeType } from '../spi/read-parameters.js';

const code = (text: string) => `\`${text}\``;

function names(name: string, declaration: ParamDeclarations[string]): string {
  const others = [
    ...(declaration.type === 'file' ? [`${name}_data`] : []),
    ...(declaration.aliases ?? []),
  ];
  return others.length === 0 ? code(name) : `${code(name)} (${others.map(code).join(', ')})`;
}

function defaultOf(declaration: ParamDeclarations[string]): string {
  if (declaration.defaultText !== undefined) return declaration.defaultText;
  const value = declaration.default;
  if (value === undefined) return '';
  return code(typeof value === 'string' && value !== '' ? value : JSON.stringify(value));
}

function meaning(declaration: ParamDeclarations[string]): string {
  const notes = [
    declaration.unsupported && `accepted and ignored: ${declaration.unsupported}`,
    declaration.twin && `gives way to \`${declaration.twin}\` given to the API`,
  ].filter(Boolean);
  return [declaration.description, ...notes].join('; ');
}

/**
 * A Markdown table of a plugin's parameters: what `sinetstream parameters` prints and what
 * each docs/<broker>.md shows (a unit test keeps them equal).
 */
export function parameterTable(declarations: ParamDeclarations): string {
  const rows = Object.entries(declarations).map(([name, declaration]) => {
    const type = describeType(declaration.type).replaceAll('|', '\\|');
    const cells = [names(name, declaration), type, defaultOf(declaration)];
    return `| ${[...cells, declaration.role ?? 'both', meaning(declaration)].join(' | ')} |`;
  });
  return [
    '| parameter | type | default | used by | meaning |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export function parametersCommand(program: Command): void {
  program
    .command('parameters')
    .argument('<type>', 'a service type, e.g. mqtt')
    .description('print the broker parameters (type_spec keys) a service type takes')
    .action(async (type: string) => {
      const plugin = await createRegistry().broker(type);
      const declarations = plugin.parameters;
      process.stdout.write(
        declarations
          ? `${parameterTable(declarations)}\n`
          : `the ${type} plugin declares no parameters\n`,
      );
    });
}
