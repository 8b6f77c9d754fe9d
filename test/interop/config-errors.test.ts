/**
 * Which error a config file gives, ours against SINETStream 1.10 (Python) making a
 * MessageWriter from the same file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MessageWriter } from '../../src/index.js';
import { type PyReply, runPython } from './python.js';

const SERVICE = 'config:\n  s:\n    type: mqtt\n    brokers: localhost:1883\n';

interface ConfigCase {
  readonly name: string;
  readonly text: string;
  readonly service?: string;
  /**
   * Python's class where it is not a SINETStream error (ours gives the one in `ours`): PyYAML's
   * own exception, or a crash on a service or type_spec that is not a mapping.
   */
  readonly python?: string;
  readonly ours?: string;
}

const CASES: readonly ConfigCase[] = [
  { name: 'header.version 1', text: `header:\n  version: 1\n${SERVICE}` },
  { name: 'header.version 4', text: `header:\n  version: 4\n${SERVICE}` },
  { name: 'header.version 2', text: `header:\n  version: 2\n${SERVICE}` },
  { name: 'header without version (v3)', text: `header:\n  fingerprint: x\n${SERVICE}` },
  { name: 'header without config', text: 'header:\n  version: 3\n' },
  { name: 'config is a list', text: 'header:\n  version: 3\nconfig:\n  - a\n' },
  { name: 'config defines no service', text: 'header:\n  version: 3\nconfig: {}\n' },
  { name: 'top level is a list', text: '- a\n- b\n' },
  { name: 'top level is a string', text: 'just a string\n' },
  { name: 'empty mapping', text: '{}\n' },
  { name: 'empty file', text: '' },
  { name: 'YAML scanner error', text: 's:\n  type: mqtt: x\n' },
  { name: 'YAML tab indentation', text: 's:\n\ttype: mqtt\n' },
  {
    name: 'YAML parser error',
    text: 's:\n  type: mqtt\n - x\n',
    python: 'ParserError',
    ours: 'NoConfigError',
  },
  {
    name: 'service is not a mapping',
    text: 's: 5\n',
    python: 'AttributeError',
    ours: 'InvalidConfigError',
  },
  {
    name: 'type_spec is not a mapping',
    text: 'header:\n  version: 3\nconfig:\n  s:\n    type: mqtt\n    type_spec: 5\n',
    python: 'AttributeError',
    ours: 'InvalidConfigError',
  },
  { name: 'no such service', text: 't:\n  type: mqtt\n  brokers: localhost:1883\n' },
  {
    name: 'two services, none named',
    text: 's:\n  type: mqtt\nt:\n  type: mqtt\n',
    service: '',
  },
  { name: 'v1 file', text: 's:\n  type: mqtt\n  brokers: localhost:1883\n' },
];

const dir = mkdtempSync(join(tmpdir(), 'sinetstream-config-errors-'));
const files = CASES.map((c, i) => {
  const path = join(dir, `${i}.yml`);
  writeFileSync(path, c.text);
  return path;
});
const serviceOf = (c: ConfigCase) => (c.service === '' ? undefined : (c.service ?? 's'));

/** The error class name, or OK. */
function ours(c: ConfigCase, configFile: string): string {
  try {
    new MessageWriter({ service: serviceOf(c), topic: 'topic', configFile });
    return 'OK';
  } catch (error) {
    return (error as Error).name;
  }
}

const pythonClass = (reply: PyReply) => (reply.ok ? 'OK' : reply.error!.split(':')[0]!);

describe('config file errors: ours and SINETStream 1.10 (Python) alike', () => {
  let replies: PyReply[] = [];
  beforeAll(async () => {
    replies = await runPython(
      CASES.map((c, i) => ({
        op: 'load_config' as const,
        config_file: files[i]!,
        service: serviceOf(c) ?? null,
      })),
    );
  }, 60_000);

  it.each(CASES.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const c = CASES[i]!;
    const python = pythonClass(replies[i]!);
    if (c.python) {
      expect(python).toBe(c.python);
      expect(ours(c, files[i]!)).toBe(c.ours);
    } else {
      expect(ours(c, files[i]!)).toBe(python);
    }
  });
});
