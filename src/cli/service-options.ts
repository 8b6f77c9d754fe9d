import { type Command, Option } from 'commander';
import { parseDocument } from 'yaml';
import type { CommonOptions } from '../api/options.js';
import { COMMON_KEYS } from '../config/services.js';
import { InvalidArgumentError } from '../errors.js';

/** What `read` and `write` accept to name a service or build one on the command line. */
export interface ServiceFlags {
  service?: string;
  /** A path (`--config-file`), or false (`-nc` / `--no-config-file`). */
  configFile?: string | false;
  /** A config server name (`-c`), or false (`-n` / `--no-config`). */
  config?: string | false;
  type?: string;
  brokers?: string;
  topic?: string;
  valueType?: string;
  text?: boolean;
  consistency?: string;
  clientId?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsNoCheckHostname?: boolean;
  password?: string;
  passwordFile?: string;
  compression?: string;
  typeSpec: string[];
  verbose: number;
  keepGoing?: boolean;
  debug?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const increase = (_: string, previous: number) => previous + 1;

/**
 * Upstream's `-nc` is one option, where commander reads `-n -c`: it becomes
 * `--no-config-file`, up to a `--` (after which everything is a parameter).
 */
export function upstreamArgv(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  return argv.map((arg, at) => (arg === '-nc' && (end < 0 || at < end) ? '--no-config-file' : arg));
}

export function addServiceFlags(command: Command): Command {
  return command
    .option('-s, --service <name>', 'service in the config file')
    .option(
      '-c, --config <name>',
      'config on the SINETStream config server (docs/config-server.md)',
    )
    .option('--config-file <path>', 'config file to read instead of searching for one')
    .option('--no-config-file', 'use no config file: give type=, brokers=, topic=... (also -nc)')
    .option('-n, --no-config', 'the same as -nc')
    .option('--type <type>', 'broker type (memory, mqtt, kafka, amqp-0.9.1, amqp-1.0)')
    .option('--brokers <list>', 'host:port[,host:port...]')
    .option('--topic <topic>', 'topic (read: comma-separated list allowed)')
    .option('--value-type <type>', 'byte_array or text')
    .option('-t, --text', 'shorthand for --value-type text')
    .addOption(
      new Option('--consistency <level>', 'delivery guarantee').choices([
        'AT_MOST_ONCE',
        'AT_LEAST_ONCE',
        'EXACTLY_ONCE',
      ]),
    )
    .option('--client-id <id>', 'client id (default: generated)')
    .option('--tls-ca <file>', 'CA certificate (turns TLS on)')
    .option('--tls-cert <file>', 'client certificate')
    .option('--tls-key <file>', 'client private key')
    .option('--tls-no-check-hostname', 'do not check the server name in its certificate')
    .option('--password <password>', 'message encryption password (turns data_encryption on)')
    .option('--password-file <file>', 'file holding the message encryption password')
    .option('--compression <algorithm[:level]>', 'compress messages: gzip, zstd or lz4')
    .option('--type-spec <key=value>', 'broker-specific parameter (repeatable)', collect, [])
    .option('-v, --verbose', 'show stack traces on errors (as --debug)', increase, 0)
    .option('-k, --keep-going', 'read: go on past a message it cannot read or print')
    .option('--debug', 'show stack traces')
    .argument(
      '[parameters...]',
      'upstream-style KEY=VALUE parameters (e.g. crypto.key_length=256)',
    );
}

/** `a.b=1` -> { a: { b: 1 } }; values are YAML, as upstream's CLI reads them. */
export function parseParameters(
  parameters: readonly string[],
  what: string,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const parameter of parameters) {
    const equals = parameter.indexOf('=');
    if (equals <= 0) throw new InvalidArgumentError(`${what}: "${parameter}" is not KEY=VALUE`);
    const name = parameter.slice(0, equals);
    const path = name.split('.');
    if (path.some((key) => key === '' || PROTOTYPE_KEYS.has(key))) {
      throw new InvalidArgumentError(`${what}: ${name} is not a usable key`);
    }
    let target = result;
    for (const key of path.slice(0, -1)) {
      const next = Object.hasOwn(target, key) ? target[key] : undefined;
      if (typeof next !== 'object' || next === null) target[key] = {};
      target = target[key] as Record<string, unknown>;
    }
    target[path.at(-1)!] = parameterValue(name, parameter.slice(equals + 1), what);
  }
  return result;
}

/** Keys that would reach Object.prototype instead of setting a parameter. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The value read as YAML 1.1; an unknown tag (`!python/object:...`) is refused, as in config
 * files. The parse error is not kept as the cause: it quotes the value, which may be a
 * password.
 */
function parameterValue(name: string, text: string, what: string): unknown {
  // YAML 1.1, as PyYAML reads it: yes / no / on / off are booleans.
  const document = parseDocument(text, { logLevel: 'silent', version: '1.1' });
  const problem =
    document.errors[0] ??
    document.warnings.find((warning) => warning.code === 'TAG_RESOLVE_FAILED');
  const refused = (reason: string) =>
    new InvalidArgumentError(`${what}: the value of ${name} is not valid YAML (${reason})`);
  if (problem) throw refused(problem.code);
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw refused((error as Error).name);
  }
}

/** The reader / writer options the flags describe; `topicKey` is `topic` or `topics`. */
export function toServiceOptions(
  flags: ServiceFlags,
  parameters: readonly string[],
  topicKey: 'topic' | 'topics',
): CommonOptions & Record<string, unknown> {
  const options: CommonOptions & Record<string, unknown> = {};
  const typeSpec: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parseParameters(parameters, 'parameter'))) {
    if (key === 'type_spec' && typeof value === 'object') Object.assign(typeSpec, value);
    else if (COMMON_KEYS.has(key)) options[SNAKE_TO_OPTION[key] ?? key] = value;
    else typeSpec[key] = value;
  }
  if (flags.service) options.service = flags.service;
  const noConfig = flags.config === false || flags.configFile === false;
  if (noConfig) options.noConfig = true;
  else if (typeof flags.configFile === 'string') options.configFile = flags.configFile;
  // As upstream, no config at all also means no config server.
  if (typeof flags.config === 'string' && !noConfig) options.config = flags.config;
  if (flags.type) options.type = flags.type;
  if (flags.brokers) options.brokers = flags.brokers;
  if (flags.topic) options[topicKey] = topicKey === 'topics' ? flags.topic.split(',') : flags.topic;
  if (flags.text) options.valueType = 'text';
  else if (flags.valueType) options.valueType = flags.valueType;
  if (flags.consistency) options.consistency = flags.consistency as CommonOptions['consistency'];
  if (flags.clientId) options.clientId = flags.clientId;
  const tls = tlsOptions(flags);
  if (tls) options.tls = tls;
  if (flags.password !== undefined || flags.passwordFile !== undefined) {
    options.dataEncryption = true;
    options.crypto = {
      password:
        flags.passwordFile !== undefined ? { path: flags.passwordFile } : { value: flags.password },
    };
  }
  if (flags.compression) {
    const [algorithm, level] = flags.compression.split(':');
    options.dataCompression = true;
    options.compression = { algorithm, ...(level ? { level: Number(level) } : {}) };
  }
  Object.assign(typeSpec, parseParameters(flags.typeSpec, '--type-spec'));
  if (Object.keys(typeSpec).length > 0) options.typeSpec = typeSpec;
  return options;
}

function tlsOptions(flags: ServiceFlags): Record<string, unknown> | undefined {
  const tls: Record<string, unknown> = {};
  if (flags.tlsCa) tls.ca_certs = flags.tlsCa;
  if (flags.tlsCert) tls.certfile = flags.tlsCert;
  if (flags.tlsKey) tls.keyfile = flags.tlsKey;
  if (flags.tlsNoCheckHostname) tls.check_hostname = false;
  return Object.keys(tls).length > 0 ? tls : undefined;
}

const SNAKE_TO_OPTION: Readonly<Record<string, string>> = {
  client_id: 'clientId',
  value_type: 'valueType',
  receive_timeout_ms: 'receiveTimeoutMs',
  max_unacked_messages: 'maxUnackedMessages',
  max_message_size: 'maxMessageSize',
  data_encryption: 'dataEncryption',
  data_compression: 'dataCompression',
  user_data_only: 'userDataOnly',
  message_format: 'messageFormat',
};
