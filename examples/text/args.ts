import { parseArgs } from 'node:util';

/** `-s SERVICE` as the tutorial's programs take it; prints the same banner they do. */
export function serviceFromArgs(): string {
  const { values } = parseArgs({ options: { service: { type: 'string', short: 's' } } });
  if (!values.service) {
    console.error('ERROR: -s/--service must be specified.');
    process.exit(1);
  }
  console.error('Press ctrl-c to exit the program.');
  console.error(`: service=${values.service}`);
  return values.service;
}
