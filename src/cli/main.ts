#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { brokerCommand } from './broker.js';
import { configCommand } from './config.js';
import { demoCommand } from './demo.js';
import { parametersCommand } from './parameters.js';
import { pingCommand } from './ping.js';
import { readCommand } from './read.js';
import { upstreamArgv } from './service-options.js';
import { writeCommand } from './write.js';

const CHEAT_SHEET = `
API defaults (the same as upstream SINETStream):
  consistency         AT_MOST_ONCE   (AT_LEAST_ONCE, EXACTLY_ONCE)
  value_type          byte_array     (text)
  client_id           generated: sinetstream-<uuid>
  receive_timeout_ms  wait forever
  message_format      3              (2 for readers older than 1.9)
  data_compression    off            (compression.algorithm gzip | zstd | lz4)
  data_encryption     off            (crypto: AES-128-CBC... see docs/crypto.md)
Config file: ./.sinetstream_config.yml, else ~/.config/sinetstream/config.yml

Examples (upstream sinetstream_cli command lines work as they are):
  sinetstream broker
  sinetstream read  -nc type=mqtt brokers=127.0.0.1:1883 topic=t1 -t
  sinetstream write -nc type=mqtt brokers=127.0.0.1:1883 topic=t1 -m hello
  sinetstream write -s service-tutorial-mqtt -l        (each line typed is a message)
  sinetstream read  -s service-tutorial-mqtt -o json --count 10
  sinetstream ping  -s service-tutorial-mqtt -C 3
  sinetstream parameters mqtt
`;

const program = new Command('sinetstream')
  .description('send and receive messages through Kafka, MQTT, AMQP... by service name')
  .addHelpText('after', CHEAT_SHEET)
  .showHelpAfterError('(add --help for usage)')
  .exitOverride();
for (const add of [
  writeCommand,
  readCommand,
  pingCommand,
  brokerCommand,
  configCommand,
  parametersCommand,
  demoCommand,
])
  add(program);
for (const command of program.commands) command.exitOverride();

/** Upstream's exit codes: 2 for a bad command line (as argparse), 1 for no or an unknown command. */
function exitCodeOf(error: CommanderError): number {
  if (error.exitCode === 0) return 0;
  return error.code === 'commander.help' || error.code === 'commander.unknownCommand' ? 1 : 2;
}

try {
  await program.parseAsync(upstreamArgv(process.argv.slice(2)), { from: 'user' });
} catch (error) {
  if (error instanceof CommanderError) process.exit(exitCodeOf(error));
  const debug = program.commands.some((command) => {
    const { debug, verbose } = command.opts<{ debug?: boolean; verbose?: number }>();
    return debug || (verbose ?? 0) > 0;
  });
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`sinetstream: ${reason}\n`);
  if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
}
