/**
 * One config file with `!sinetstream/encrypted` values, opened by Python SINETStream 1.10 and
 * by us with the same ~/.config/sinetstream/private_key.pem: both must see the same plaintext.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decryptServiceSecrets, defaultPrivateKeyPath } from '../../src/config/secrets.js';
import { parseConfigDocument, selectService } from '../../src/config/services.js';
import { parseYaml } from '../../src/config/yaml.js';
import { homeWithPrivateKey, sealSecret } from '../fixtures/seal-secret.js';

const VENV =
  process.env.SINETSTREAM_PY_VENV ?? resolve(import.meta.dirname, '../../.venv/sinetstream');
const PYTHON = join(VENV, 'bin/python');

const PYTHON_READS_CONFIG = `
import base64, json, sys
from sinetstream.configs import get_config_params
_, _, params = get_config_params(sys.argv[1], config_file=sys.argv[2])
def plain(x):
    if isinstance(x, dict): return {k: plain(v) for k, v in x.items()}
    if isinstance(x, bytes): return {"$binary": base64.b64encode(x).decode()}
    return x
print(json.dumps(plain(params)))
`;

const { home, publicKey } = homeWithPrivateKey();
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('encrypted config values, Python SINETStream and us', () => {
  it('decrypt to the same text and bytes', () => {
    if (!existsSync(PYTHON)) throw new Error(`no venv at ${VENV}: run scripts/python/setup.sh`);
    const binary = Uint8Array.of(0, 0xfe, 0x41, 0x80);
    const file = join(home, 'config.yml');
    writeFileSync(
      file,
      `header: { version: 3 }
config:
  svc:
    type: mqtt
    brokers: 127.0.0.1
    crypto: { password: !sinetstream/encrypted ${sealSecret('pässword', publicKey)} }
    type_spec:
      token: !sinetstream/encrypted ${sealSecret(binary, publicKey)}
`,
    );
    const python = JSON.parse(
      execFileSync(PYTHON, ['-c', PYTHON_READS_CONFIG, 'svc', file], {
        env: { ...process.env, HOME: home },
        encoding: 'utf8',
      }),
    );
    const ours = decryptServiceSecrets(
      selectService(parseConfigDocument(parseYaml(readFileSync(file, 'utf8'), file), file), 'svc'),
      { path: defaultPrivateKeyPath(home) },
    );
    expect(Buffer.from(python.crypto.password.$binary, 'base64').toString('utf8')).toBe('pässword');
    expect(ours.common.crypto).toEqual({ password: 'pässword' });
    expect(Buffer.from(python.type_spec.token.$binary, 'base64')).toEqual(Buffer.from(binary));
    expect(ours.brokerSpecific.token).toEqual(binary);
  });
});
