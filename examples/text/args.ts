import { parseArgs } from 'node:util';

/**
 * `-s SERVICE` as the tutorial's programs take it, and `-b HOST:PORT` to reach a broker
 * other than the config file's; prints the same banner they do.
 */
export function serviceFromArgs(): { service: string; brokers?: string } {
  const { values } = parseArgs({
    options: {
      service: { type: 'string', short: 's' },
      brokers: { type: 'string', short: 'b' },
    },
  });
  if (!values.service) {
    console.error('ERROR: -s/--service must be specified.');
    process.exit(1);
  }
  console.error('Press ctrl-c to exit the program.');
  console.error(`: service=${values.service}`);
  return { service: values.service, ...(values.brokers ? { brokers: values.brokers } : {}) };
}
