import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  InvalidConfigError,
  MessageReader,
  MessageWriter,
  SinetError,
} from '../../src/index.js';

const CORPUS = join(import.meta.dirname, '../fixtures/hostile-configs');
const FILES = readdirSync(CORPUS).filter((name) => name.endsWith('.yml'));

/** Each file's first line: `# expect <ErrorName> /pattern/` or `# expect warning /pattern/`. */
function expectation(file: string): { kind: string; pattern: RegExp } {
  const first = readFileSync(join(CORPUS, file), 'utf8').split('\n')[0]!;
  const match = /^# expect (\w+) \/(.*)\/$/.exec(first);
  if (!match) throw new Error(`${file}: first line must be "# expect <kind> /pattern/"`);
  return { kind: match[1]!, pattern: new RegExp(match[2]!) };
}

/** What opening a writer and a reader of service `s` gives: errors, and warnings logged. */
async function attempt(options: Record<string, unknown>) {
  const warnings: string[] = [];
  const errors: unknown[] = [];
  const started = performance.now();
  for (const Client of [MessageWriter, MessageReader]) {
    try {
      const client = new Client({
        service: 's',
        ...options,
        logger: { warn: (m) => warnings.push(m) },
      });
      await client.open();
      await client.close();
    } catch (error) {
      errors.push(error);
    }
  }
  return { errors, warnings, elapsed: performance.now() - started };
}

describe('every file of the hostile config corpus', () => {
  it('has files', () => {
    expect(FILES.length).toBeGreaterThan(10);
  });

  it.each(FILES)('%s: a named SinetError or warning, within a second', async (file) => {
    const { kind, pattern } = expectation(file);
    const { errors, warnings, elapsed } = await attempt({ configFile: join(CORPUS, file) });
    expect(elapsed).toBeLessThan(1000);
    if (kind === 'warning') {
      expect(errors).toEqual([]);
      expect(warnings.some((warning) => pattern.test(warning))).toBe(true);
      return;
    }
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      expect(error).toBeInstanceOf(SinetError);
      expect((error as Error).name).toBe(kind);
      expect((error as Error).message).toMatch(pattern);
    }
  });

  it('neither a __proto__ nor a constructor key changed any prototype', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('YAML nested far too deep (100 KB of it)', () => {
  const service = 'header: {version: 3}\nconfig:\n  s:\n    type: memory\n    topic: t\n';
  const deep = 50_000;
  it.each([
    ['flow sequences', `    type_spec:\n      x: ${'['.repeat(deep)}${']'.repeat(deep)}\n`, 7],
    ['flow mappings', `    type_spec: ${'{a: '.repeat(deep / 2)}1${'}'.repeat(deep / 2)}\n`, 6],
    ['compact block sequences', `    type_spec:\n      x:\n        ${'- '.repeat(deep)}x\n`, 8],
    ['explicit keys', `    type_spec:\n      x:\n        ${'? '.repeat(deep)}x\n`, 8],
  ])('%s: InvalidConfigError naming the nesting and where', async (_, body, line) => {
    const dir = mkdtempSync(join(tmpdir(), 'deep-yaml-'));
    const configFile = join(dir, 'config.yml');
    writeFileSync(configFile, service + body);
    const { errors } = await attempt({ configFile });
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      expect(error).toBeInstanceOf(InvalidConfigError);
      expect((error as Error).message).toMatch(
        new RegExp(`YAML nested more than 128 collections deep at line ${line}, column \\d+`),
      );
    }
  });

  it('a config nested 65 levels is still parsed, and named by its path', async () => {
    const config = `${service}    type_spec:\n      x: ${'['.repeat(65)}${']'.repeat(65)}\n`;
    const dir = mkdtempSync(join(tmpdir(), 'deep-yaml-'));
    const configFile = join(dir, 'config.yml');
    writeFileSync(configFile, config);
    const { errors } = await attempt({ configFile });
    expect((errors[0] as Error).message).toMatch(
      /config\.s\.type_spec\.x(\.0)+ is nested more than 64 levels deep/,
    );
  });
});

describe('hostile values given in code', () => {
  it('an inline config that contains itself', async () => {
    const service: Record<string, unknown> = { type: 'memory', topic: 't' };
    service.crypto = { nested: service };
    const { errors, elapsed } = await attempt({ config: { s: service } });
    expect(elapsed).toBeLessThan(1000);
    for (const error of errors) {
      expect(error).toBeInstanceOf(InvalidConfigError);
      expect((error as Error).message).toMatch(/s\.crypto\.nested contains itself/);
    }
  });

  it('an option or typeSpec that contains itself, or a __proto__ key', async () => {
    const loop: Record<string, unknown> = {};
    loop.again = loop;
    const proto = JSON.parse('{"__proto__": {"polluted": true}}');
    for (const [options, where] of [
      [{ typeSpec: { x: loop } }, /typeSpec\.x\.again contains itself/],
      [{ compression: proto }, /compression\.__proto__ is not allowed/],
    ] as const) {
      const { errors } = await attempt({ noConfig: true, type: 'memory', topic: 't', ...options });
      expect(errors).toHaveLength(2);
      for (const error of errors) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as Error).message).toMatch(where);
      }
    }
  });

  it('a client_id of more than 32767 bytes', async () => {
    const { errors } = await attempt({
      noConfig: true,
      type: 'memory',
      topic: 't',
      clientId: 'x'.repeat(100_000),
    });
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(/client_id: 100000 bytes long, more than 32767/);
    }
  });

  it.each([
    [Number.NaN, /got NaN/],
    [Number.POSITIVE_INFINITY, /got Infinity/],
    ['1700000000', /got a string/],
    [new Date(Number.NaN), /got an invalid Date/],
    [1e300, /got 1e\+300/],
  ])('publish with timestamp %s', async (timestamp, got) => {
    await using writer = await new MessageWriter({
      noConfig: true,
      type: 'memory',
      brokers: 'hostile-timestamps',
      topic: 't',
    }).open();
    const error = await writer
      .publish(new Uint8Array(1), { timestamp: timestamp as number })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/^timestamp: must be seconds since the epoch/);
    expect((error as Error).message).toMatch(got);
  });
});
