import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument, stringify as stringifyYaml } from 'yaml';
import { createRegistry, MessageReader, MessageWriter } from '../../src/index.js';
import { plugin as amqp10 } from '../../src/plugins/amqp10/index.js';
import { plugin as amqp091 } from '../../src/plugins/amqp091/index.js';
import { plugin as kafka } from '../../src/plugins/kafka/index.js';
import { memoryPlugin } from '../../src/plugins/memory/index.js';
import { plugin as mqtt } from '../../src/plugins/mqtt/index.js';
import { plugin as s3 } from '../../src/plugins/s3/index.js';
import { errorOutcome, FUZZ_TEST_TIMEOUT_MS, fuzzRuns, Tally } from '../support/fuzz.js';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Every broker type with its real parameter declarations (so type_spec is checked as it
 * would be), its readers and writers those of the memory broker: no server is needed.
 */
const registry = createRegistry();
for (const real of [kafka, mqtt, amqp091, amqp10, s3]) {
  registry.registerBroker(real.type, {
    ...memoryPlugin,
    type: real.type,
    ...(real.parameters ? { parameters: real.parameters } : {}),
  });
}

/** A config file using every part of the format, for mutations to start from. */
const RICH_CONFIG = `header:
  version: 3
config:
  s:
    type: mqtt
    brokers: [fuzz-a, fuzz-b]
    topic: t
    consistency: AT_LEAST_ONCE
    client_id: fuzz
    value_type: text
    max_message_size: 1048576
    message_format: 3
    data_compression: true
    compression:
      algorithm: zstd
      level: 3
    data_encryption: true
    crypto: &crypto
      algorithm: AES
      key_length: 256
      mode: GCM
      padding: none
      password: fuzz-password
      key_derivation:
        algorithm: pbkdf2
        salt_bytes: 16
        iteration: 1000
        prf: HMAC-SHA256
    tls:
      check_hostname: false
    type_spec:
      protocol: MQTTv5
      qos: 1
      retain: false
      clean_session: true
      username_pw: {username: u, password: p}
  k:
    type: kafka
    brokers: fuzz-k:9092
    topic: t1
    crypto: *crypto
    type_spec:
      security_protocol: SASL_PLAINTEXT
      sasl_mechanism: SCRAM-SHA-256
      sasl_plain_username: u
      sasl_plain_password: p
  old:
    type: amqp-0.9.1
    brokers: fuzz-a
    topic: t
    key: !!binary AAECAwQFBgcICQoLDA0ODw==
  encrypted:
    type: memory
    topic: t
    secret: !sinetstream/encrypted AAECAwQ=
`;

/** Real config files: the examples', the fixtures' and the hostile corpus. */
function seeds(): string[] {
  const corpus = join(ROOT, 'test/fixtures/hostile-configs');
  return [
    RICH_CONFIG,
    ...[
      'examples/.sinetstream_config.yml',
      'examples/quickstart/.sinetstream_config.yml',
      'test/fixtures/tutorial.sinetstream_config.yml',
    ].map((path) => readFileSync(join(ROOT, path), 'utf8')),
    ...readdirSync(corpus)
      .filter((name) => name.endsWith('.yml'))
      .map((name) => readFileSync(join(corpus, name), 'utf8')),
  ];
}
const SEEDS = seeds();

/** Service names each seed defines, for the mutated file's service to be one of them. */
function serviceNames(text: string): string[] {
  try {
    const document = parseDocument(text, { logLevel: 'silent' }).toJS({
      maxAliasCount: 100,
    }) as Record<string, unknown>;
    const services = (document?.config ?? document) as Record<string, unknown>;
    return Object.keys(services ?? {}).filter((name) => name !== 'header');
  } catch {
    return [];
  }
}
const SEED_SERVICES = SEEDS.map(serviceNames);

/** Keys SINETStream and its plugins read, and a few that must not do harm. */
const KEYS = [
  'header',
  'version',
  'config',
  'type',
  'brokers',
  'topic',
  'topics',
  'client_id',
  'consistency',
  'value_type',
  'receive_timeout_ms',
  'max_unacked_messages',
  'max_message_size',
  'data_compression',
  'compression',
  'algorithm',
  'level',
  'data_encryption',
  'crypto',
  'key_length',
  'mode',
  'padding',
  'password',
  'key',
  '_keys',
  'key_derivation',
  'salt_bytes',
  'iteration',
  'prf',
  'user_data_only',
  'message_format',
  'tls',
  'ca_certs',
  'certfile',
  'keyfile',
  'keyfile_password',
  'check_hostname',
  'type_spec',
  'qos',
  'protocol',
  'username_pw',
  'username',
  'group_id',
  'security_protocol',
  'sasl_mechanism',
  'value',
  'path',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  's',
];

/** Scalars YAML reads as something other than plain text, and values at the edges. */
const HOSTILE_SCALARS = [
  '.nan',
  '.inf',
  '-.inf',
  '1e309',
  '-1',
  '0',
  '-0',
  '0x10',
  '0o17',
  '1_000',
  '9007199254740993',
  '~',
  'null',
  'yes',
  'true',
  "''",
  '""',
  '[]',
  '{}',
  '!!binary AAEC',
  '!!binary "not base64!"',
  '!sinetstream/encrypted AAECAwQ=',
  '!python/object:os.system ls',
  '!!python/name:os.system',
  '!!set {a, b}',
  '!!omap [a: 1]',
  '!!timestamp 2001-12-14',
  '!!int 12',
  '!!float x',
  '!!str 3',
  '*undefined_alias',
  '&anchor value',
  'AES',
  'GCM',
  'CBC',
  'zstd',
  'lz4',
  'gzip',
  'memory',
  'mqtt',
  'kafka',
  'amqp-0.9.1',
  'amqp-1.0',
  's3',
  'EXACTLY_ONCE',
  '/nonexistent/file.pem',
  '"\\u0000"',
];

const scalarArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(2 ** 31, 2 ** 53, 2 ** 64, 1e-9, 0.5),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
  fc.constantFrom(...KEYS, ...HOSTILE_SCALARS),
);

/** Trees of config keys and values, as a config file could hold them. */
const treeArbitrary: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArbitrary,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('tree'), { maxKeys: 6 }),
  ),
})).tree;

/** A random service inside a v1, v3 or header-less document, as YAML text. */
const documentArbitrary: fc.Arbitrary<string> = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...KEYS), treeArbitrary, { maxKeys: 8 }),
    fc.constantFrom('memory', 'mqtt', 'kafka', 'amqp-0.9.1', 'amqp-1.0', 's3', 'none'),
    fc.constantFrom<unknown>(1, 2, 3, 4, '3', null, 'absent'),
  )
  .map(([service, type, version]) => {
    const body = { topic: 't', ...(type === 'none' ? {} : { type }), ...service };
    const document =
      version === 'absent' ? { s: body } : { header: { version }, config: { s: body } };
    return stringifyYaml(document, { aliasDuplicateObjects: false });
  });

/** Text with YAML's own characters, or none. */
const yamlishTextArbitrary = fc.oneof(
  fc.string({ unit: fc.constantFrom(...': -[]{}&*!|>#\'"%?,@`\n\tab1'.split('')), maxLength: 200 }),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

type TextMutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate line'; line: number }
  | { kind: 'swap lines'; line: number; other: number }
  | { kind: 'replace value'; line: number; value: string }
  | { kind: 'indent'; line: number; by: number }
  | { kind: 'truncate'; at: number };

const textMutationArbitrary: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.constantFrom(...HOSTILE_SCALARS, ...KEYS.map((k) => `${k}: `)),
      fc.string({ maxLength: 10 }),
    ),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({ kind: fc.constant('duplicate line' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swap lines' as const), line: fc.nat(), other: fc.nat() }),
  fc.record({
    kind: fc.constant('replace value' as const),
    line: fc.nat(),
    value: fc.oneof(fc.constantFrom(...HOSTILE_SCALARS), fc.string({ maxLength: 20 })),
  }),
  fc.record({
    kind: fc.constant('indent' as const),
    line: fc.nat(),
    by: fc.integer({ min: -4, max: 4 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutateText(text: string, mutations: readonly TextMutation[]): string {
  let out = text;
  for (const mutation of mutations) {
    const lines = out.split('\n');
    const line = 'line' in mutation ? mutation.line % lines.length : 0;
    const at = 'at' in mutation ? mutation.at % (out.length + 1) : 0;
    switch (mutation.kind) {
      case 'insert':
        out = out.slice(0, at) + mutation.text + out.slice(at);
        break;
      case 'delete':
        out = out.slice(0, at) + out.slice(at + mutation.length);
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'duplicate line':
        lines.splice(line, 0, lines[line]!);
        out = lines.join('\n');
        break;
      case 'swap lines': {
        const other = mutation.other % lines.length;
        [lines[line], lines[other]] = [lines[other]!, lines[line]!];
        out = lines.join('\n');
        break;
      }
      case 'replace value':
        lines[line] = lines[line]!.replace(/:\s.*$/, `: ${mutation.value}`);
        out = lines.join('\n');
        break;
      case 'indent':
        lines[line] =
          mutation.by >= 0
            ? ' '.repeat(mutation.by) + lines[line]
            : lines[line]!.replace(new RegExp(`^ {0,${-mutation.by}}`), '');
        out = lines.join('\n');
        break;
    }
  }
  return out;
}

type ConfigInput =
  | { source: 'random document'; text: string }
  | { source: 'random text'; text: string }
  | { source: 'mutated file'; seed: number; mutations: TextMutation[]; service: number };

const configInputArbitrary: fc.Arbitrary<ConfigInput> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      source: fc.constant('random document' as const),
      text: documentArbitrary,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      source: fc.constant('random text' as const),
      text: yamlishTextArbitrary,
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      source: fc.constant('mutated file' as const),
      // Half the time the file using every part of the format.
      seed: fc.oneof(fc.constant(0), fc.nat({ max: SEEDS.length - 1 })),
      mutations: fc.array(textMutationArbitrary, { minLength: 1, maxLength: 3 }),
      service: fc.nat(),
    }),
  },
);

const dir = mkdtempSync(join(tmpdir(), 'fuzz-config-'));
const configFile = join(dir, 'config.yml');

/** Opens a writer and a reader of the file; the outcome of each, warnings noted. */
async function openBoth(service: string | undefined): Promise<string[]> {
  const outcomes: string[] = [];
  for (const Client of [MessageWriter, MessageReader]) {
    const warnings: string[] = [];
    try {
      const client = new Client({
        configFile,
        ...(service === undefined ? {} : { service }),
        registry,
        receiveTimeoutMs: 0,
        logger: { warn: (message) => warnings.push(message) },
      });
      await client.open();
      await client.close();
      outcomes.push(warnings.length > 0 ? 'opened, warned' : 'opened');
    } catch (error) {
      outcomes.push(errorOutcome(error));
    }
  }
  return outcomes;
}

describe('fuzzing the config loader', () => {
  it('starts from a file whose services open, but for an encrypted value with no key', async () => {
    writeFileSync(configFile, RICH_CONFIG);
    const outcomes = new Map<string, string[]>();
    for (const service of SEED_SERVICES[0]!) outcomes.set(service, await openBoth(service));
    expect(Object.fromEntries(outcomes)).toEqual({
      s: ['opened', 'opened'],
      k: ['opened', 'opened'],
      old: ['opened, warned', 'opened, warned'],
      encrypted: ['InvalidConfigError', 'InvalidConfigError'],
    });
  });

  it(
    'random and mutated config files give a named SinetError or open (with or without a warning)',
    async () => {
      const tally = new Tally();
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(configInputArbitrary, async (input) => {
          let service: string | undefined = 's';
          if (input.source === 'mutated file') {
            writeFileSync(configFile, mutateText(SEEDS[input.seed]!, input.mutations));
            const names = SEED_SERVICES[input.seed]!;
            service = names.length === 0 ? undefined : names[input.service % names.length];
          } else {
            writeFileSync(configFile, input.text);
          }
          const outcomes = await openBoth(service);
          for (const outcome of outcomes) {
            tally.add(`${input.source}: ${outcome}`);
            expect(outcome).not.toMatch(/^NOT A NAMED/);
          }
        }),
        { numRuns: fuzzRuns(150), timeout: 10_000 },
      );
      console.log(
        `config fuzz: ${tally.total} opens in ${Math.round(performance.now() - started)} ms; ${tally}`,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
