import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PARAMETER_DOCS, tableSpan } from '../../scripts/update-parameter-tables.js';
import { parameterTable } from '../../src/cli/parameters.js';
import { InvalidArgumentError, MessageReader, MessageWriter } from '../../src/index.js';
import { createRegistry } from '../../src/plugins/builtins.js';
import { connectionOptions } from '../../src/plugins/kafka/connection.js';
import type { KafkaParams } from '../../src/plugins/kafka/parameters.js';
import type { ParamDeclarations, PluginContext } from '../../src/spi/index.js';
import { closestName, readParameters } from '../../src/spi/read-parameters.js';

const DECLARATIONS = {
  qos: { type: { oneOf: [0, 1, 2] }, twin: 'consistency', description: 'QoS' },
  retain: { type: 'boolean', role: 'writer', default: false, description: 'keep' },
  group_id: { type: 'string', role: 'reader', description: 'group' },
  mode: { type: { oneOf: ['PLAIN', 'SSL'], ignoreCase: true }, description: 'mode' },
  password: { type: 'secret', description: 'password' },
  ca: { type: 'file', description: 'CA' },
  will: {
    type: { block: { topic: { type: 'string', description: 'topic' } } },
    aliases: ['will_set'],
    description: 'will',
  },
  tls: {
    type: {
      anyOf: [{ literal: true }, { block: { version: { type: 'string', description: 'v' } } }],
    },
    description: 'tls',
  },
  old: { type: 'any', unsupported: 'not supported here', description: 'old' },
} as const satisfies ParamDeclarations;

async function read(values: Record<string, unknown>, role: 'reader' | 'writer' = 'writer') {
  const warnings: string[] = [];
  const logger = { warn: (message: string) => warnings.push(message) };
  const options = { role, where: 'service "s": ', type: 'probe', logger };
  return { params: await readParameters(DECLARATIONS, values, options), warnings };
}

describe('declared parameters, as core checks them', () => {
  it('converts, applies defaults, and accepts the other spellings', async () => {
    const { params, warnings } = await read({
      qos: 1,
      mode: 'ssl',
      will_set: { topic: 'bye' },
      ca_data: 'PEM',
      tls: true,
    });
    expect(warnings).toEqual([]);
    expect(params).toMatchObject({ qos: 1, retain: false, mode: 'SSL', will: { topic: 'bye' } });
    expect(new TextDecoder().decode(params.ca as Uint8Array)).toBe('PEM');
    expect(params.tls).toBe(true);
  });

  it('a wrong type is an InvalidArgumentError naming the key, never the value', async () => {
    await expect(read({ retain: 'maybe' })).rejects.toThrow(InvalidArgumentError);
    await expect(read({ retain: 'maybe' })).rejects.toThrow(
      'service "s": parameter retain: expected true or false, got a string',
    );
    await expect(read({ password: 42 })).rejects.not.toThrow(/42/);
    await expect(read({ qos: 3 })).rejects.toThrow('parameter qos: "3" is not one of 0, 1, 2');
    await expect(read({ will: { topic: 7 } })).rejects.toThrow('parameter will.topic: expected');
    await expect(read({ tls: { version: 1 } })).rejects.toThrow('parameter tls.version');
    await expect(read({ ca: '/nonexistent/ca.pem' })).rejects.toThrow(
      'parameter ca: cannot read "/nonexistent/ca.pem"',
    );
  });

  it('warns once about an unknown key, with the nearest known name, and drops it', async () => {
    const { params, warnings } = await read({ retian: true, will: { topc: 'x' }, zzz: 1 });
    expect(warnings).toEqual([
      'service "s": parameter will.topc is not a probe parameter (did you mean will.topic?); ignored',
      'service "s": parameter retian is not a probe parameter (did you mean retain?); ignored',
      'service "s": parameter zzz is not a probe parameter; ignored',
    ]);
    expect(params).not.toHaveProperty('retian');
    expect(closestName('sesion_timeout_ms', ['session_timeout_ms', 'group_id'])).toBe(
      'session_timeout_ms',
    );
  });

  it("skips the other role's keys quietly, and warns about accepted but unsupported ones", async () => {
    const writer = await read({ group_id: 'g', old: 1 });
    expect(writer.params).not.toHaveProperty('group_id');
    expect(writer.warnings).toEqual(['service "s": parameter old: not supported here; ignored']);
    const reader = await read({ group_id: 'g', retain: true }, 'reader');
    expect(reader.params).toEqual({ group_id: 'g' });
    expect(reader.warnings).toEqual([]);
  });

  it('gives secrets as a Secret that never prints', async () => {
    const { params } = await read({ password: 'hunter2' });
    const text = `${inspect(params)} ${JSON.stringify(params)} ${String(params.password)}`;
    expect(text).not.toContain('hunter2');
    expect((params.password as { revealText(): string }).revealText()).toBe('hunter2');
  });

  it('checks parameters before the plugin sees them, through the API', async () => {
    const warnings: string[] = [];
    const writer = new MessageWriter({
      noConfig: true,
      type: 'mqtt',
      brokers: '127.0.0.1:1',
      topic: 't',
      typeSpec: { qos: 5 as 0 },
      logger: { warn: (m) => warnings.push(m) },
    });
    await expect(writer.open()).rejects.toThrow('parameter qos: "5" is not one of 0, 1, 2');
  });
});

describe('the integer type', () => {
  const declarations = { wbits: { type: 'integer', description: 'w' } } as const;
  const options = { role: 'writer', where: '', type: 'probe', logger: { warn() {} } } as const;

  it('takes whole numbers, negative ones and their strings too', async () => {
    expect(await readParameters(declarations, { wbits: -15 }, options)).toEqual({ wbits: -15 });
    expect(await readParameters(declarations, { wbits: '-9' }, options)).toEqual({ wbits: -9 });
  });

  it.each([1.5, '3x', true])('refuses %o, naming the key', async (value) => {
    await expect(readParameters(declarations, { wbits: value }, options)).rejects.toThrow(
      /parameter wbits: expected a whole number/,
    );
  });
});

describe('kafka-python names', () => {
  const kafka = async () => (await createRegistry().broker('kafka')).parameters!;

  it('warns about each one it cannot honour with its own reason, in its own role only', async () => {
    const declarations = await kafka();
    const read = async (values: Record<string, unknown>, role: 'reader' | 'writer') => {
      const warnings: string[] = [];
      const logger = { warn: (message: string) => warnings.push(message) };
      const params = await readParameters(declarations, values, {
        role,
        where: '',
        type: 'kafka',
        logger,
      });
      return { params, warnings };
    };
    const writer = await read(
      { max_request_size: 1, max_poll_records: 5, api_version: [2, 5] },
      'writer',
    );
    expect(writer.warnings).toEqual([
      expect.stringMatching(
        /^parameter api_version: the client asks the broker which API versions/,
      ),
      expect.stringMatching(/^parameter max_request_size: records are not checked on this side/),
    ]);
    const reader = await read({ max_poll_records: 5, reconnect_backoff_ms: 50 }, 'reader');
    expect(reader.warnings).toEqual([
      expect.stringMatching(/^parameter max_poll_records: messages are handed over one at a time/),
    ]);
    expect(reader.params).toMatchObject({
      reconnect_backoff_ms: 50,
      reconnect_backoff_max_ms: 2000,
    });
  });

  it('gives ssl_crlfile and connection_timeout_ms to the client', () => {
    const context = {
      brokers: ['k:9092'],
      clientId: 'c',
      tls: undefined,
    } as unknown as PluginContext;
    const crl = new TextEncoder().encode('-----BEGIN X509 CRL-----');
    const options = connectionOptions(context, {
      security_protocol: 'SSL',
      ssl_crlfile: crl,
      connection_timeout_ms: 1234,
    } as unknown as KafkaParams);
    expect(options.connectTimeout).toBe(1234);
    expect(Buffer.from((options.tls as { crl: Buffer }).crl).toString()).toBe(
      '-----BEGIN X509 CRL-----',
    );
  });
});

describe('typeSpec types', () => {
  // Checked by the typecheck (tsc fails on an @ts-expect-error that finds no error).
  it('follow a literal service type: misspelt keys and wrong types do not compile', () => {
    const base = { noConfig: true, brokers: 'localhost', topic: 't' } as const;
    new MessageWriter({ ...base, type: 'mqtt', typeSpec: { qos: 1, will_set: { topic: 'w' } } });
    // @ts-expect-error retain misspelt
    new MessageWriter({ ...base, type: 'mqtt', typeSpec: { retian: true } });
    // @ts-expect-error linger_ms is a number
    new MessageWriter({ ...base, type: 'kafka', typeSpec: { linger_ms: '5' } });
    // @ts-expect-error exchange_type is one of four names
    new MessageReader({ ...base, type: 'amqp-0.9.1', typeSpec: { exchange_type: 'fan' } });
    new MessageWriter({ ...base, type: 'kafka', typeSpec: { ssl_cafile_data: 'PEM' } });
    new MessageWriter({ ...base, type: 'pigeon', typeSpec: { anything: 1 } });
  });
});

describe('parameter tables', () => {
  for (const [type, file] of Object.entries(PARAMETER_DOCS)) {
    it(`${file} shows the ${type} declarations (npm run docs:parameters)`, async () => {
      const plugin = await createRegistry().broker(type);
      const text = readFileSync(resolve(import.meta.dirname, '../..', file), 'utf8');
      const [start, end] = tableSpan(text, type);
      expect(text.slice(start, end)).toBe(parameterTable(plugin.parameters!));
    });
  }
});
