import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { homeWithPrivateKey } from '../../fixtures/seal-secret.js';
import { ConfigServerFixture } from '../../support/config-server.js';
import { createTopic, PLAINTEXT, requireKafka } from '../kafka/helpers.js';
import { requireMosquitto } from '../mqtt/mosquitto.js';
import { type Finished, requireUpstreamCli, run, type Side } from './upstream.js';

// The same argv through upstream's sinetstream_cli 1.10 and ours, both directions: theirs
// writes and ours reads, then ours writes and theirs reads; the two readers must print the
// same bytes (and what `expected` says), the writers the same, with the same exit codes.
// Normalised, because it must differ between runs: the topic (a new one per run) becomes
// {topic}; `read -f DIR`'s 16 random characters in file names; ping's line order (two
// threads print upstream).

interface Broker {
  name: string;
  type: string;
  brokers: string;
  require(): Promise<void>;
  topic(): string;
  /**
   * Extra KEY=VALUE parameters so that a reader started after the writer gets everything.
   * Upstream reads a broker's own parameters from `type_spec` only, without a config file.
   */
  writer: string[];
  reader(client: string): string[];
  prepare(topic: string, client: string): Promise<void>;
}

const BROKERS: Broker[] = [
  {
    name: 'Mosquitto',
    type: 'mqtt',
    brokers: '127.0.0.1:1883',
    require: requireMosquitto,
    // A '/' in the topic checks how read -f encodes it in file names.
    topic: () => `cli/cmp-${randomUUID().slice(0, 8)}`,
    // QoS 1 into a persistent session subscribed beforehand: the reader gets them all.
    writer: ['consistency=AT_LEAST_ONCE'],
    reader: (client) => [
      `client_id=${client}`,
      'type_spec.clean_session=false',
      'consistency=AT_LEAST_ONCE',
    ],
    prepare: subscribedSession,
  },
  {
    name: 'Kafka',
    type: 'kafka',
    brokers: PLAINTEXT,
    require: requireKafka,
    topic: () => `cli-cmp-${randomUUID().slice(0, 8)}`,
    writer: [],
    reader: () => ['type_spec.auto_offset_reset=earliest'],
    prepare: (topic) => createTopic(topic, 1),
  },
];

async function subscribedSession(topic: string, client: string): Promise<void> {
  const session = await mqtt.connectAsync('mqtt://127.0.0.1:1883', {
    clientId: client,
    clean: false,
    reconnectPeriod: 0,
  });
  await session.subscribeAsync(topic, { qos: 1 });
  await session.endAsync();
}

async function publishForeign(topic: string, payload: string): Promise<void> {
  const client = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { reconnectPeriod: 0 });
  await client.publishAsync(topic, payload, { qos: 1 });
  await client.endAsync();
}

interface Case {
  name: string;
  /** `{service}` stands for `-nc type=... brokers=... topic=...` (or `-s cmp`) and extras. */
  write: string[];
  read: string[];
  input?: string | Buffer;
  files?: Record<string, string | Buffer>;
  /** What the reader prints, `{topic}` standing for the topic. */
  expected: string | Buffer;
  /** The service from `.sinetstream_config.yml` (`-s cmp`) instead of `-nc` parameters. */
  fromConfigFile?: boolean;
  /** The service from this config on the config server (`-c NAME -s cmp topic=...`). */
  fromConfigServer?: string;
  /** Bytes another client than SINETStream publishes (MQTT) before the writer writes. */
  foreign?: string;
  /** `read -f out`: the saved files, name (random part as RANDOM) -> content. */
  saved?: Record<string, string>;
}

const received = (...values: string[]) =>
  values.map((value, at) => `[#${at + 1}] Received on "{topic}"\n${value}\n`).join('');
const BYTES = Buffer.from(Array.from({ length: 256 }, (_, at) => at));

const CASES: Case[] = [
  {
    name: "a file's lines (-t -l -f), CR LF and CR ending lines as well; values only (-r)",
    write: ['write', '{service}', '-t', '-l', '-f', 'lines.txt'],
    files: { 'lines.txt': 'one\r\ntwo\rthree\n' },
    read: ['read', '{service}', '-t', '-r', '-C', '3'],
    expected: 'one\ntwo\nthree\n',
  },
  {
    name: "stdin's lines (-l): a CR before LF goes, the last line needs no LF; default output",
    write: ['write', '-t', '-l', '{service}'],
    input: 'alpha\r\nbeta\ngamma',
    read: ['read', '-t', '-C', '3', '{service}'],
    expected: received('alpha', 'beta', 'gamma'),
  },
  {
    name: 'without -l the whole input is one message',
    write: ['write', '{service}', '-t'],
    input: 'first\nsecond\n',
    read: ['read', '{service}', '-t', '-C', '1'],
    expected: '[#1] Received on "{topic}"\nfirst\nsecond\n',
  },
  {
    name: 'pub -m (text without -t), sub -r',
    write: ['pub', '{service}', '-m', 'hello world'],
    read: ['sub', '{service}', '-t', '-r', '-C', '1'],
    expected: 'hello world\n',
  },
  {
    name: 'bytes from a file (-f), printed as they are after the Received line',
    write: ['write', '{service}', '-f', 'payload.bin'],
    files: { 'payload.bin': BYTES },
    read: ['read', '{service}', '-C', '1'],
    expected: Buffer.concat([Buffer.from('[#1] Received on "{topic}"\n'), BYTES]),
  },
  {
    name: 'bytes from stdin, values only (-r): no newline added',
    write: ['write', '{service}'],
    input: BYTES,
    read: ['read', '{service}', '-r', '-C', '1'],
    expected: BYTES,
  },
  {
    name: 'YAML values (yes, on) and dotted keys (compression.algorithm)',
    write: ['write', '-l', '{service}', 'data_compression=yes', 'compression.algorithm=gzip'],
    input: 'x\ny\n',
    read: [
      'read',
      '-C',
      '2',
      '{service}',
      'value_type=text',
      'data_compression=on',
      'compression.algorithm=gzip',
    ],
    expected: received('x', 'y'),
  },
  {
    name: '-s SERVICE from .sinetstream_config.yml, with -v and -k',
    fromConfigFile: true,
    write: ['write', '-v', '-l', '{service}'],
    input: 'p\nq\n',
    read: ['read', '-t', '-v', '-k', '-C', '2', '{service}'],
    expected: received('p', 'q'),
  },
  {
    name: 'read -f DIR: a file per message, named <topic, %-encoded>-<random>-<n>',
    write: ['write', '-l', '{service}'],
    input: 'a\nb\n',
    read: ['read', '-t', '-f', 'out', '-C', '2', '{service}'],
    expected: '',
    saved: { '{topic}-RANDOM-1': 'a', '{topic}-RANDOM-2': 'b' },
  },
];

interface Exchange {
  writer: Finished;
  reader: Finished;
  saved: Record<string, string>;
}

/** One case one way: `writer` writes, then `reader` (started after it ended) reads. */
async function exchange(broker: Broker, c: Case, writer: Side, reader: Side): Promise<Exchange> {
  const topic = broker.topic();
  const client = `cli-cmp-${randomUUID().slice(0, 8)}`;
  const cwd = mkdtempSync(join(tmpdir(), 'sinetstream-cli-cmp-'));
  mkdirSync(join(cwd, 'out'));
  for (const [name, content] of Object.entries(c.files ?? {})) {
    writeFileSync(join(cwd, name), content);
  }
  writeFileSync(
    join(cwd, '.sinetstream_config.yml'),
    // Version 3, where a broker's own parameters are under type_spec, as without a file.
    `header:\n  version: 3\nconfig:\n  cmp:\n    type: ${broker.type}\n    brokers: ${broker.brokers}\n    topic: ${topic}\n`,
  );
  const service = c.fromConfigServer
    ? ['-c', c.fromConfigServer, '-s', 'cmp', `topic=${topic}`]
    : c.fromConfigFile
      ? ['-s', 'cmp']
      : ['-nc', `type=${broker.type}`, `brokers=${broker.brokers}`, `topic=${topic}`];
  const argv = (template: string[], extra: string[]) =>
    template.flatMap((arg) => (arg === '{service}' ? [...service, ...extra] : [arg]));
  await broker.prepare(topic, client);
  if (c.foreign !== undefined) await publishForeign(topic, c.foreign);
  const written = await run(writer, argv(c.write, broker.writer), { cwd, input: c.input });
  const read = await run(reader, argv(c.read, broker.reader(client)), { cwd });
  const saved: Record<string, string> = {};
  for (const name of readdirSync(join(cwd, 'out'))) {
    const shown = name
      .replace(encodeURIComponent(topic), '{topic}')
      .replace(/-[A-Za-z0-9]{16}-/, '-RANDOM-');
    saved[shown] = readFileSync(join(cwd, 'out', name), 'utf8');
  }
  return { writer: written, reader: { ...read, stdout: normalised(read.stdout, topic) }, saved };
}

/** The topic as {topic}, byte values kept as they are. */
const normalised = (stdout: Buffer, topic: string) =>
  Buffer.from(stdout.toString('latin1').replaceAll(topic, '{topic}'), 'latin1');

const shown = (finished: Finished) =>
  `exit ${finished.code}, stderr:\n${finished.stderr}\nstdout:\n${finished.stdout.toString()}`;

beforeAll(requireUpstreamCli);

describe.each(BROKERS)("upstream sinetstream_cli's command lines on $name", (broker) => {
  beforeAll(broker.require);

  it.each(CASES)('$name', { timeout: 180_000 }, async (c) => {
    const theirsWrite = await exchange(broker, c, 'theirs', 'ours');
    const oursWrite = await exchange(broker, c, 'ours', 'theirs');
    for (const { writer, reader } of [theirsWrite, oursWrite]) {
      expect(writer.code, shown(writer)).toBe(0);
      expect(reader.code, shown(reader)).toBe(0);
    }
    expect(oursWrite.writer.stdout.toString()).toBe(theirsWrite.writer.stdout.toString());
    // Ours read what theirs wrote as theirs read what ours wrote, and both as expected.
    expect(theirsWrite.reader.stdout).toEqual(oursWrite.reader.stdout);
    expect(theirsWrite.reader.stdout).toEqual(Buffer.from(c.expected));
    expect(theirsWrite.saved).toEqual(oursWrite.saved);
    expect(theirsWrite.saved).toEqual(c.saved ?? {});
  });
});

describe("upstream sinetstream_cli's -c NAME, a config server's service, on Mosquitto", () => {
  const broker = BROKERS[0]!;
  let home: string;
  let server: ConfigServerFixture;

  beforeAll(async () => {
    await broker.require();
    const made = homeWithPrivateKey();
    home = made.home;
    server = await ConfigServerFixture.start(made.publicKey);
    server.writeAuthFile(join(home, '.config', 'sinetstream'));
    server.configs.set('cmp-config', {
      config: {
        header: { version: 3 },
        config: { cmp: { type: broker.type, brokers: broker.brokers, topic: 'replaced' } },
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });
  // Both find auth.json and the private key under HOME, as upstream's client does.
  beforeEach(() => vi.stubEnv('HOME', home));
  afterEach(() => vi.unstubAllEnvs());

  it('write -c NAME -l, read -c NAME: the same output both ways', {
    timeout: 180_000,
  }, async () => {
    const c: Case = {
      name: '-c',
      fromConfigServer: 'cmp-config',
      write: ['write', '-l', '{service}'],
      input: 'c1\nc2\n',
      read: ['read', '-t', '-C', '2', '{service}'],
      expected: received('c1', 'c2'),
    };
    const theirsWrite = await exchange(broker, c, 'theirs', 'ours');
    const oursWrite = await exchange(broker, c, 'ours', 'theirs');
    for (const { writer, reader } of [theirsWrite, oursWrite]) {
      expect(writer.code, shown(writer)).toBe(0);
      expect(reader.code, shown(reader)).toBe(0);
      expect(reader.stdout.toString()).toBe(c.expected);
    }
    expect(
      server.requests.filter((request) => request.startsWith('GET /api/v1/configs/')),
    ).toHaveLength(4);
  });
});

// Kafka is left out: upstream's ping reader starts at the latest offset, so it misses what
// is sent before its partitions are assigned, and its writer refuses auto_offset_reset.
describe("upstream sinetstream_cli's ping, -k and a deliberate difference, on Mosquitto", () => {
  const broker = BROKERS[0]!;
  beforeAll(broker.require);

  it('ping: the same lines, in the order of each program', { timeout: 120_000 }, async () => {
    const printed: Record<Side, string[]> = { ours: [], theirs: [] };
    for (const side of ['theirs', 'ours'] as const) {
      const topic = broker.topic();
      const cwd = mkdtempSync(join(tmpdir(), 'sinetstream-cli-ping-'));
      const params = [`type=${broker.type}`, `brokers=${broker.brokers}`, `topic=${topic}`];
      const ping = await run(side, ['ping', '-nc', ...params, '-C', '2', '-i', '0.2'], { cwd });
      expect(ping.code, shown(ping)).toBe(0);
      printed[side] = normalised(ping.stdout, topic).toString().split('\n').sort();
    }
    expect(printed.ours).toEqual(printed.theirs);
    expect(printed.ours).toEqual(
      ['', 'topic={topic}', 'send 1', '        recv 1', 'send 2', '        recv 2'].sort(),
    );
  });

  it('read -k goes on past a message that is not a SINETStream one', {
    timeout: 180_000,
  }, async () => {
    const c: Case = {
      name: '-k',
      foreign: 'not a SINETStream message',
      write: ['write', '-m', 'after it', '{service}'],
      read: ['read', '-k', '-t', '-C', '1', '{service}'],
      expected: received('after it'),
    };
    const oursRead = await exchange(broker, c, 'theirs', 'ours');
    const theirsRead = await exchange(broker, c, 'ours', 'theirs');
    for (const { reader } of [oursRead, theirsRead]) {
      expect(reader.code, shown(reader)).toBe(0);
      expect(reader.stdout.toString()).toBe(c.expected);
    }
  });

  it('an empty text message: theirs fails at it (exit 1), ours prints an empty line', {
    timeout: 180_000,
  }, async () => {
    const c: Case = {
      name: 'empty line',
      write: ['write', '-l', '{service}'],
      input: 'a\n\nb\n',
      read: ['read', '-t', '-C', '3', '{service}'],
      expected: '',
    };
    const oursRead = await exchange(broker, c, 'theirs', 'ours');
    const theirsRead = await exchange(broker, c, 'ours', 'theirs');
    expect(oursRead.reader.code, shown(oursRead.reader)).toBe(0);
    expect(oursRead.reader.stdout.toString()).toBe(received('a', '', 'b'));
    expect(theirsRead.reader.code).toBe(1);
    expect(theirsRead.reader.stderr).toContain('IndexError');
    expect(theirsRead.reader.stdout.toString()).toBe(
      `${received('a')}[#2] Received on "{topic}"\n`,
    );
  });
});

/** Error cases: the same exit code and stdout (nothing); stderr says it each in its way. */
const ERRORS: { name: string; argv: string[]; code: number }[] = [
  { name: 'an unknown service', argv: ['read', '-s', 'no-such-service', '-C', '1'], code: 1 },
  { name: 'no broker type at all', argv: ['write', '-nc', '-m', 'x'], code: 1 },
  { name: 'an unknown broker type', argv: ['write', '-nc', 'type=no-such', '-m', 'x'], code: 1 },
  { name: 'a parameter without =', argv: ['write', '-nc', 'type=mqtt', 'topic'], code: 1 },
  { name: 'an unknown command', argv: ['frobnicate'], code: 1 },
  { name: 'no command', argv: [], code: 1 },
  { name: 'an unknown long option', argv: ['read', '--bogus'], code: 2 },
  { name: 'an unknown short option', argv: ['write', '-x'], code: 2 },
  { name: 'an option without its value', argv: ['read', '-s'], code: 2 },
  { name: 'a count that is no number', argv: ['read', '-nc', 'type=mqtt', '-C', 'abc'], code: 2 },
  {
    name: 'read -f into a directory that is not there',
    argv: ['read', '-nc', 'type=mqtt', 'brokers=127.0.0.1:1883', 'topic=t', '-f', 'nowhere'],
    code: 1,
  },
  {
    name: 'a broker that does not answer',
    argv: ['write', '-nc', 'type=mqtt', 'brokers=127.0.0.1:1', 'topic=t', '-m', 'x'],
    code: 1,
  },
];

describe("upstream sinetstream_cli's failing command lines", () => {
  beforeAll(requireMosquitto);

  it.each(ERRORS)('$name: exit $code', { timeout: 60_000 }, async ({ argv, code }) => {
    const cwd = mkdtempSync(join(tmpdir(), 'sinetstream-cli-err-'));
    writeFileSync(
      join(cwd, '.sinetstream_config.yml'),
      'cmp:\n  type: mqtt\n  brokers: 127.0.0.1:1883\n  topic: t\n',
    );
    const [theirs, ours] = await Promise.all([
      run('theirs', argv, { cwd }),
      run('ours', argv, { cwd }),
    ]);
    expect(theirs.code, shown(theirs)).toBe(code);
    expect(ours.code, shown(ours)).toBe(code);
    expect(ours.stdout.toString()).toBe(theirs.stdout.toString());
  });
});
