import { Command, CommanderError } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brokerCommand } from '../../src/cli/broker.js';
import { configCommand } from '../../src/cli/config.js';
import { demoCommand } from '../../src/cli/demo.js';
import { parametersCommand } from '../../src/cli/parameters.js';
import { readCommand } from '../../src/cli/read.js';
import {
  parseParameters,
  type ServiceFlags,
  toServiceOptions,
} from '../../src/cli/service-options.js';
import { writeCommand } from '../../src/cli/write.js';
import { InvalidArgumentError, MessageReader, MessageWriter } from '../../src/index.js';
import { failure } from '../support/failure.js';
import { errorOutcome, FUZZ_TEST_TIMEOUT_MS, fuzzRuns, Tally } from '../support/fuzz.js';

/**
 * The CLI's commands as src/cli/main.ts builds them, silent. `read` and `write` turn their
 * flags into reader / writer options and construct the client (which loads and checks the
 * config) without opening it; the other commands' actions do nothing: they would start a
 * broker or print.
 */
function program(): Command {
  const root = new Command('sinetstream').exitOverride();
  for (const add of [
    writeCommand,
    readCommand,
    brokerCommand,
    configCommand,
    parametersCommand,
    demoCommand,
  ])
    add(root);
  const silent = { writeOut: () => {}, writeErr: () => {} };
  root.configureOutput(silent);
  for (const command of root.commands) {
    command.exitOverride().configureOutput(silent);
    const role = command.name();
    command.action((...args: unknown[]) => {
      if (role !== 'read' && role !== 'write') return;
      const [parameters, flags] = args as [string[], ServiceFlags];
      const options = toServiceOptions(flags, parameters, role === 'read' ? 'topics' : 'topic');
      const logger = { warn: () => {} };
      if (role === 'read') new MessageReader({ ...options, logger });
      else new MessageWriter({ ...options, logger });
    });
  }
  return root;
}

/** Every flag of every command, long and short. */
function allFlags(root: Command): string[] {
  const flags = new Set<string>(['--help', '-h', '--version', '-V', '--']);
  for (const command of root.commands) {
    for (const option of command.options) {
      if (option.long) flags.add(option.long);
      if (option.short) flags.add(option.short);
    }
  }
  return [...flags];
}

const FLAGS = allFlags(program());
const KEYS = [
  'type',
  'brokers',
  'topic',
  'crypto.password',
  'crypto.mode',
  'crypto.key_length',
  'compression.algorithm',
  'type_spec.qos',
  'max_message_size',
  'message_format',
  'consistency',
  '__proto__.polluted',
  'constructor.prototype.polluted',
  'a.__proto__.polluted',
  'toString',
  '',
  'a..b',
];
const VALUES = [
  '1',
  '-1',
  'NaN',
  '.nan',
  '1e309',
  'memory',
  'mqtt',
  'GCM',
  '[',
  '{a: [}',
  '*alias',
  '&a x',
  '!!binary x',
  '!python/object:os.system ls',
  "'",
  '"',
  '',
  '~',
];

const tokenArbitrary: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...FLAGS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('write', 'read', 'broker', 'config', 'parameters', 'demo', 'help'),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...KEYS),
        fc.oneof(fc.constantFrom(...VALUES), fc.string({ maxLength: 8 })),
      )
      .map(([key, value]) => `${key}=${value}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'memory',
      'mqtt',
      'kafka',
      '127.0.0.1:1',
      't',
      '0',
      '65536',
      'abc',
      'gzip:9',
      'zstd:x',
      'lz4:',
      ':',
      'text',
      'json',
      'raw',
      'AT_LEAST_ONCE',
      '/nonexistent',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...FLAGS.filter((flag) => flag.startsWith('--'))),
        fc.string({ maxLength: 8 }),
      )
      .map(([flag, value]) => `${flag}=${value}`),
  },
);

/** Options that take a value, for flag-value pairs. */
const VALUED_FLAGS = program()
  .commands.flatMap((command) => command.options)
  .filter((option) => option.required || option.optional)
  .map((option) => option.long!);

/** A read or write of a memory service given on the command line, with random additions. */
const serviceLineArbitrary = fc
  .tuple(
    fc.constantFrom('write', 'read'),
    fc.array(
      fc.oneof(
        tokenArbitrary.map((token) => [token]),
        fc.tuple(fc.constantFrom(...VALUED_FLAGS), tokenArbitrary),
      ),
      { maxLength: 6 },
    ),
  )
  .map(([command, extras]) => [
    command,
    '--no-config',
    '--type',
    'memory',
    '--topic',
    't',
    ...extras.flat(),
  ]);

/** Command lines that usually start with a command, then anything. */
const argvArbitrary = fc.oneof(
  serviceLineArbitrary,
  fc
    .tuple(fc.constantFrom('write', 'read'), fc.array(tokenArbitrary, { maxLength: 12 }))
    .map(([command, rest]) => [command, ...rest]),
  fc.array(tokenArbitrary, { maxLength: 12 }),
);

describe('fuzzing the CLI argument parser', () => {
  it(
    'random command lines are parsed, refused with a usage error, or give a named SinetError',
    async () => {
      const tally = new Tally();
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(argvArbitrary, async (argv) => {
          let outcome: string;
          try {
            await program().parseAsync(argv, { from: 'user' });
            outcome = 'parsed';
          } catch (error) {
            outcome =
              error instanceof CommanderError
                ? `usage (exit ${error.exitCode})`
                : errorOutcome(error);
          }
          tally.add(outcome);
          expect(outcome).not.toMatch(/^NOT A NAMED/);
          expect(Object.prototype).not.toHaveProperty('polluted');
        }),
        { numRuns: fuzzRuns(800), timeout: 10_000 },
      );
      console.log(
        `CLI fuzz: ${tally.total} command lines in ${Math.round(performance.now() - started)} ms; ${tally}`,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});

describe('what the fuzzing found in KEY=VALUE parameters', () => {
  it.each(['__proto__.polluted=1', 'a.__proto__.polluted=1', 'constructor.prototype.polluted=1'])(
    '%s is refused and changes no prototype',
    async (parameter) => {
      const error = await failure(async () => parseParameters([parameter], 'parameter'));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.message).toMatch(/is not a usable key/);
      expect(Object.prototype).not.toHaveProperty('polluted');
    },
  );

  it('a value that is not YAML gives InvalidArgumentError naming the key, not the value', async () => {
    const error = await failure(async () =>
      parseParameters(['crypto.password=[s3cret-value'], 'parameter'),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(/^parameter: the value of crypto\.password is not valid YAML/);
    expect(`${error.message} ${String(error.cause)}`).not.toContain('s3cret-value');
  });

  it('an unknown tag is refused, as in config files, not read as the text beneath it', async () => {
    const error = await failure(async () =>
      parseParameters(['x=!python/object:os.system ls'], '--type-spec'),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(
      /--type-spec: the value of x is not valid YAML \(TAG_RESOLVE_FAILED\)/,
    );
  });

  it('nested keys and YAML values still work', () => {
    expect(
      parseParameters(['crypto.key_length=256', 'crypto.mode=GCM', 'a.b.c=[1, x]'], 'p'),
    ).toEqual({
      crypto: { key_length: 256, mode: 'GCM' },
      a: { b: { c: [1, 'x'] } },
    });
  });
});
