import type { Command } from 'commander';
import { startEmbeddedBroker } from '../plugins/mqtt/embedded-broker.js';

interface BrokerFlags {
  host: string;
  port: string;
  wsPort: string;
  persist?: string;
}

export function brokerCommand(program: Command): void {
  program
    .command('broker')
    .description(
      'run an MQTT broker in this process (MQTT 3.1, 3.1.1, 5 over TCP and WebSocket) until ctrl-c',
    )
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'MQTT over TCP port', '1883')
    .option('--ws-port <port>', 'MQTT over WebSocket port', '8080')
    .option(
      '--persist <dir>',
      'keep sessions, queued and retained messages in this directory across restarts',
    )
    .action(async (flags: BrokerFlags) => {
      const broker = await startEmbeddedBroker({
        host: flags.host,
        port: Number(flags.port),
        wsPort: Number(flags.wsPort),
        persistDir: flags.persist,
        log: (line) => process.stderr.write(`broker: ${line}\n`),
      });
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
