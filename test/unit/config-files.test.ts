import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConfigFile, readConfigFile } from '../../src/config/find.js';
import { parseConfigDocument, selectService } from '../../src/config/services.js';
import { NoConfigError, NoServiceError } from '../../src/errors.js';

const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', name);

function load(path: string) {
  const found = readConfigFile(path);
  return parseConfigDocument(found.document, found.source);
}

describe('config files', () => {
  it('loads the tutorial file (v3) with both services', () => {
    const config = load(fixture('tutorial.sinetstream_config.yml'));
    expect(config.version).toBe(3);
    expect([...config.services.keys()]).toEqual([
      'service-tutorial-kafka',
      'service-tutorial-mqtt',
    ]);
    expect(selectService(config, 'service-tutorial-mqtt').common).toEqual({
      type: 'mqtt',
      brokers: 'broker:1883',
      topic: 'topic-tutorial-mqtt',
      value_type: 'text',
    });
  });

  it('loads the 0.9 description v1 file: broker keys beside the common ones', () => {
    const config = load(fixture('v1-from-0.9.yml'));
    expect(config.version).toBe(1);
    const service = selectService(config, 'service-2');
    expect(service.common).toEqual({ type: 'mqtt', brokers: '192.168.2.105:1883' });
    expect(service.brokerSpecific).toEqual({
      username_pw_set: { username: 'user01', password: 'pass01' },
    });
  });

  it('reads v2 (header + flat broker keys) and v3 (type_spec)', () => {
    const v2 = parseConfigDocument(
      {
        header: { version: 2 },
        config: { s: { type: 'mqtt', qos: 1, type_spec: { ignored: true } } },
      },
      'v2',
    );
    expect(selectService(v2, 's').brokerSpecific).toEqual({ qos: 1 });
    const v3 = parseConfigDocument(
      { header: {}, config: { s: { type: 'mqtt', type_spec: { qos: 2 } } } },
      'v3',
    );
    expect(v3.version).toBe(3);
    expect(selectService(v3, 's').brokerSpecific).toEqual({ qos: 2 });
  });

  it('chooses the only service when none is named, and names the choices otherwise', () => {
    const single = parseConfigDocument({ only: { type: 'memory' } }, 'one.yml');
    expect(selectService(single, undefined).name).toBe('only');
    const two = load(fixture('tutorial.sinetstream_config.yml'));
    expect(() => selectService(two, undefined)).toThrow(
      /service-tutorial-kafka, service-tutorial-mqtt/,
    );
    expect(() => selectService(two, 'nope')).toThrow(NoServiceError);
    expect(() => selectService(two, 'nope')).toThrow(/"nope"/);
  });

  it('turns !!binary into bytes and keeps !sinetstream/encrypted opaque', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetstream-test-'));
    const path = join(dir, 'c.yml');
    writeFileSync(
      path,
      's:\n  type: memory\n  crypto:\n    key: !!binary AAECAw==\n  secret: !sinetstream/encrypted QUJD\n',
    );
    const service = selectService(load(path), 's');
    const key = (service.common.crypto as { key: unknown }).key;
    expect(key).toBeInstanceOf(Uint8Array);
    expect([...(key as Uint8Array)]).toEqual([0, 1, 2, 3]);
    expect(JSON.stringify(service.brokerSpecific.secret)).toBe('"[encrypted]"');
  });

  it('rejects broken files with NoConfigError naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetstream-test-'));
    const path = join(dir, 'bad.yml');
    writeFileSync(path, 's: [unclosed\n');
    expect(() => load(path)).toThrow(NoConfigError);
    expect(() => load(path)).toThrow(path);
    expect(() => load(join(dir, 'missing.yml'))).toThrow(NoConfigError);
    expect(() => parseConfigDocument({ header: { version: 9 } }, 'x')).toThrow(/version 9/);
  });

  it('searches ./.sinetstream_config.yml before ~/.config/sinetstream/config.yml, first hit only', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sinetstream-cwd-'));
    const home = mkdtempSync(join(tmpdir(), 'sinetstream-home-'));
    expect(findConfigFile(cwd, home)).toBeUndefined();
    mkdirSync(join(home, '.config', 'sinetstream'), { recursive: true });
    writeFileSync(join(home, '.config', 'sinetstream', 'config.yml'), 'home: {type: memory}\n');
    expect(findConfigFile(cwd, home)?.document).toEqual({ home: { type: 'memory' } });
    writeFileSync(join(cwd, '.sinetstream_config.yml'), 'cwd: {type: memory}\n');
    expect(findConfigFile(cwd, home)?.document).toEqual({ cwd: { type: 'memory' } });
  });
});
