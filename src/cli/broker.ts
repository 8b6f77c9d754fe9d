import type { Command } from 'commander';
import { SinetError } from '../errors.js';
import { startEmbeddedBroker } from '../plugins/mqtt/embedded-broker.js';
import { port } from './numbers.js';

interface BrokerFlags {
  host: string;
  port: number;
  wsPort: number;
  persist?: string;
}

/** The embedded broker, or an error that says which port is taken and what to do. */
async function start(flags: BrokerFlags) {
  try {
    return await startEmbeddedBroker({
      host: flags.host,
      port: flags.port,
      wsPort: flags.wsPort,
      persistDir: flags.persist,
      log: (line) => process.stderr.write(`broker: ${line}\n`),
    });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
    const taken = String((error as { port?: unknown }).port ?? `${flags.port} or ${flags.wsPort}`);
    throw new SinetError(
      `port ${taken} on ${flags.host} is in use (another broker, or a sinetstream broker already running?): ` +
        'choose others with --port <n> and --ws-port <n> (0 picks a free one)',
      { cause: error, code: 'EADDRINUSE' },
    );
  }
}

export function brokerCommand(program: Command): void {
  program
    .command('broker')
    .description(
      'run an MQTT broker in this process (MQTT 3.1, 3.1.1, 5 over TCP and WebSocket) until ctrl-c',
    )
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'MQTT over TCP port', port, 1883)
    .option('--ws-port <port>', 'MQTT over WebSocket port', port, 8080)
    .option(
      '--persist <dir>',
      'keep sessions, queued and retained messages in this directory across restarts',
    )
    .action(async (flags: BrokerFlags) => {
      const broker = await start(flags);
      process.stdout.write(
        `MQTT broker listening on mqtt://${broker.host}:${broker.port} and ws://${broker.host}:${broker.wsPort}` +
          (flags.persist ? `, keeping its state in ${flags.persist}` : '') +
          '\nPress ctrl-c to stop it.\n',
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await broker.close();
    });
}
