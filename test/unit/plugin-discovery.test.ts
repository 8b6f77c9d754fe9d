import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createMessageDecoder,
  createRegistry,
  InvalidArgumentError,
  MessageReader,
  MessageWriter,
  UnsupportedServiceTypeError,
} from '../../src/index.js';

const FIXTURE = resolve(import.meta.dirname, '../fixtures/plugin-package');
let app: string;
let root: string;

beforeAll(() => {
  // The layout `npm install ./test/fixtures/plugin-package` gives: the package under the
  // application's node_modules (here a scoped copy too, to show scopes are searched).
  root = mkdtempSync(join(tmpdir(), 'sinetstream-plugins-'));
  app = join(root, 'app', 'src');
  mkdirSync(app, { recursive: true });
  cpSync(FIXTURE, join(root, 'app', 'node_modules', 'sinetstream-plugin-fixture'), {
    recursive: true,
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** The fixture package's `published` list, as the copy the discovery imported sees it. */
async function published(): Promise<Array<{ topic: string; bytes: Uint8Array }>> {
  const copy = join(root, 'app', 'node_modules', 'sinetstream-plugin-fixture', 'index.js');
  return (await import(pathToFileURL(copy).href)).published;
}

describe('plugins declared in an installed package.json ("sinetstream" field)', () => {
  it('are found by name for a broker type, a value type and a compression, without code', async () => {
    vi.spyOn(process, 'cwd').mockReturnValue(app);
    const options = {
      noConfig: true,
      type: 'ledger',
      topic: 'accounts',
      valueType: 'shout',
      dataCompression: true,
      compression: { algorithm: 'mirror' },
      registry: createRegistry(), // fresh: what a registry found once, it keeps
    } as const;
    await using writer = await new MessageWriter<string>(options).open();
    await writer.publish('hello');
    const [entry] = await published();
    expect(entry!.topic).toBe('accounts');
    const decoder = await createMessageDecoder<string>(options);
    expect((await decoder.decode(entry!.bytes)).value).toBe('HELLO');
  });

  it('are not found outside the directories the package is installed for', async () => {
    vi.spyOn(process, 'cwd').mockReturnValue(root);
    const registry = createRegistry();
    const open = new MessageWriter({ noConfig: true, type: 'ledger', topic: 't', registry }).open();
    await expect(open).rejects.toThrow(UnsupportedServiceTypeError);
    await expect(open).rejects.toThrow(/no installed package declares it/);
    await expect(
      createMessageDecoder({ noConfig: true, valueType: 'shout', registry }).then((d) =>
        d.decode(new Uint8Array()),
      ),
    ).rejects.toThrow(InvalidArgumentError);
  });
});

describe('plugin: in a service', () => {
  it('loads value-type and compression plugins as well as broker ones', async () => {
    const service = {
      type: 'memory',
      brokers: `plugin-key-${Date.now()}`,
      topic: 't',
      value_type: 'shout',
      data_compression: true,
      compression: { algorithm: 'mirror' },
      plugin: [join(FIXTURE, 'index.js')],
    };
    const config = { s: service };
    await using reader = await new MessageReader<string>({ config, receiveTimeoutMs: 50 }).open();
    await using writer = await new MessageWriter<string>({ config }).open();
    await writer.publish('quiet');
    const values: string[] = [];
    for await (const message of reader) values.push(message.value);
    expect(values).toEqual(['QUIET']);
  });

  it('naming a module that cannot be imported is UnsupportedServiceTypeError naming it', async () => {
    const config = {
      s: { type: 'memory', topic: 't', plugin: 'sinetstream-plugin-not-installed' },
    };
    const open = new MessageWriter({ config }).open();
    await expect(open).rejects.toThrow(UnsupportedServiceTypeError);
    await expect(open).rejects.toThrow(
      'service "s": plugin: cannot import module "sinetstream-plugin-not-installed"',
    );
  });

  it('without it, the same service does not know those names', async () => {
    const config = { s: { type: 'memory', topic: 't', value_type: 'shout' } };
    const registry = createRegistry();
    await expect(new MessageWriter({ config, registry }).open()).rejects.toThrow(
      /value_type: unknown "shout"/,
    );
  });
});
