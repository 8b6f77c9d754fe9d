#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { brokerCommand } from './broker.js';
import { configCommand } from './config.js';
import { demoCommand } from './demo.js';
import { parametersCommand } from './parameters.js';
import { readCommand } from './read.js';
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

Examples:
  sinetstream broker
  sinetstream read  --no-config --type mqtt --brokers 127.0.0.1:1883 --topic t1 --text
  sinetstream write --no-config --type mqtt --brokers 127.0.0.1:1883 --topic t1 --text -m hello
  sinetstream read  -s service-tutorial-mqtt -o json --count 10
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
  brokerCommand,
  configCommand,
  parametersCommand,
  demoCommand,
])
  add(program);
for (const command of program.commands) command.exitOverride();

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  const debug = process.argv.includes('--debug');
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`sinetstream: ${reason}\n`);
  if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
}
