/**
 * Python SINETStream 1.10 and us, each fetching the same config from the config-server test
 * fixture (so the fixture speaks the protocol upstream's client speaks): the same
 * attachments and secrets, and encrypted messages with key versions crossing through
 * Mosquitto both ways (Python's writer and ours write with the newest version; both readers
 * get every version).
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MessageReader, MessageWriter } from '../../src/index.js';
import { homeWithPrivateKey } from '../fixtures/seal-secret.js';
import { ConfigServerFixture } from '../support/config-server.js';
import { isListening } from '../support/net.js';

const VENV =
  process.env.SINETSTREAM_PY_VENV ?? resolve(import.meta.dirname, '../../.venv/sinetstream');
const PYTHON = join(VENV, 'bin/python');
const run = promisify(execFile);

/** `params NAME`: the service as upstream resolves it; `write NAME TEXT`; `read NAME`. */
const PYTHON_CLIENT = `
import base64, json, sys
from sinetstream import MessageReader, MessageWriter
from sinetstream.configs import get_config_params
mode, name = sys.argv[1], sys.argv[2]
def plain(x):
    if isinstance(x, dict): return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, bytes): return {"$binary": base64.b64encode(x).decode()}
    return x
if mode == "params":
    _, service, params = get_config_params(None, config=name)
    print(json.dumps({"service": service, "params": plain(params)}))
elif mode == "write":
    with MessageWriter(config=name) as writer:
        writer.publish(sys.argv[3])
elif mode == "read":
    with MessageReader(config=name, receive_timeout_ms=10000) as reader:
        for message in reader:
            print(json.dumps(message.value))
            break
`;

/** Topics of this run only: the retained message of an earlier run is for other keys. */
const RUN = randomUUID();
const KEY_V1 = randomBytes(32);
const KEY_V2 = randomBytes(32);
const CA = '-----BEGIN CERTIFICATE-----\nattached\n-----END CERTIFICATE-----\n';
let home: string;
let server: ConfigServerFixture;

beforeAll(async () => {
  if (!existsSync(PYTHON)) throw new Error(`no venv at ${VENV}: run scripts/python/setup.sh`);
  if (!(await isListening(1883)))
    throw new Error('no Mosquitto on 1883: run scripts/mosquitto/setup.sh');
  const made = homeWithPrivateKey();
  home = made.home;
  server = await ConfigServerFixture.start(made.publicKey);
  server.writeAuthFile(join(home, '.config', 'sinetstream'));
});
afterAll(async () => {
  await server?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});
beforeEach(() => vi.stubEnv('HOME', home));
afterEach(() => vi.unstubAllEnvs());

/** A config with one encrypted MQTT service whose crypto.key has versions 1 and 2. */
function publishConfig(name: string, retain: boolean, extras = false): void {
  server.configs.set(name, {
    config: {
      header: { version: 3 },
      config: {
        [name]: {
          type: 'mqtt',
          brokers: '127.0.0.1:1883',
          topic: `config-server-interop/${RUN}/${name}`,
          value_type: 'text',
          consistency: 'AT_LEAST_ONCE',
          data_encryption: true,
          crypto: { algorithm: 'AES', key_length: 256, mode: 'GCM' },
          type_spec: { retain },
        },
      },
    },
    attachments: extras ? [{ target: '*.type_spec.attached_data', value: CA }] : [],
    secrets: [
      {
        target: `${name}.crypto.key`,
        ids: [
          { id: `${name}-v1`, version: 1 },
          { id: `${name}-v2`, version: 2 },
        ],
      },
      ...(extras ? [{ target: `${name}.type_spec.token`, id: `${name}-token` }] : []),
    ],
  });
  server.secrets.set(`${name}-v1`, { target: `${name}.crypto.key`, plaintext: KEY_V1 });
  server.secrets.set(`${name}-v2`, { target: `${name}.crypto.key`, plaintext: KEY_V2 });
  server.secrets.set(`${name}-token`, { target: `${name}.type_spec.token`, plaintext: 'tok' });
}

async function python(...args: string[]): Promise<string> {
  const { stdout } = await run(PYTHON, ['-c', PYTHON_CLIENT, ...args], {
    env: { ...process.env, HOME: home },
    timeout: 30_000,
  });
  return stdout;
}

const binary = (value: { $binary: string }) => Buffer.from(value.$binary, 'base64');

describe('a config server config, Python SINETStream 1.10 and us', () => {
  it('resolves to the same attachments, secrets and key versions', async () => {
    publishConfig('same', false, true);
    const { service, params } = JSON.parse(await python('params', 'same'));
    expect(service).toBe('same');
    expect(binary(params.type_spec.attached_data).toString()).toBe(CA);
    expect(binary(params.type_spec.token).toString()).toBe('tok');
    expect(Object.keys(params.crypto._keys).sort()).toEqual(['1', '2']);
    expect(binary(params.crypto._keys['1'])).toEqual(KEY_V1);
    expect(binary(params.crypto._keys['2'])).toEqual(KEY_V2);
  });

  it("Python's writer -> our reader, encrypted with the newest key version", async () => {
    publishConfig('py-to-ts', false);
    await using reader = await new MessageReader<string>({
      config: 'py-to-ts',
      receiveTimeoutMs: 10_000,
    }).open();
    // A reader that has key version 2 only, configured by hand.
    await using newestOnly = await new MessageReader<string>({
      noConfig: true,
      type: 'mqtt',
      brokers: '127.0.0.1:1883',
      topics: `config-server-interop/${RUN}/py-to-ts`,
      valueType: 'text',
      dataEncryption: true,
      crypto: { algorithm: 'AES', key_length: 256, mode: 'GCM', _keys: { 2: KEY_V2 } },
      receiveTimeoutMs: 10_000,
    }).open();
    await python('write', 'py-to-ts', 'from python');
    for (const r of [reader, newestOnly]) {
      const iterator = r[Symbol.asyncIterator]();
      expect((await iterator.next()).value?.value).toBe('from python');
    }
  });

  it("our writer -> Python's reader (a retained message)", async () => {
    publishConfig('ts-to-py', true);
    await using writer = await new MessageWriter<string>({ config: 'ts-to-py' }).open();
    await writer.publish('from typescript');
    expect(JSON.parse(await python('read', 'ts-to-py'))).toBe('from typescript');
  });
});
