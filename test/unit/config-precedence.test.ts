import { describe, expect, it } from 'vitest';
import { applyCommonTwins, resolveService } from '../../src/config/resolve.js';
import { parseConfigDocument, selectService } from '../../src/config/services.js';
import { InvalidArgumentError } from '../../src/errors.js';

function resolve(
  file: Record<string, unknown>,
  api: Record<string, unknown> = {},
  apiParams: Record<string, unknown> = {},
) {
  const warnings: string[] = [];
  const definition = selectService(parseConfigDocument({ s: file }, 'test.yml'), 's');
  const resolved = resolveService({
    definition,
    source: 'test.yml',
    service: 's',
    apiCommon: api,
    apiParams,
    logger: { warn: (message) => warnings.push(message) },
  });
  return { resolved, warnings };
}

describe('config precedence', () => {
  it('API broker-specific > API common > file broker-specific > file common', () => {
    const twins = { qos: 'consistency' };
    const file = { type: 'mqtt', consistency: 'AT_MOST_ONCE', qos: 1 };
    // File only: the broker-specific qos stays and beats the file's consistency in the plugin.
    let { resolved } = resolve(file);
    expect(applyCommonTwins(resolved, twins)).toEqual({ qos: 1 });
    // API common beats the file's broker-specific twin.
    ({ resolved } = resolve(file, { consistency: 'EXACTLY_ONCE' }));
    expect(resolved.consistency).toBe('EXACTLY_ONCE');
    expect(applyCommonTwins(resolved, twins)).toEqual({});
    // API broker-specific beats everything.
    ({ resolved } = resolve(file, { consistency: 'EXACTLY_ONCE' }, { qos: 0 }));
    expect(applyCommonTwins(resolved, twins)).toEqual({ qos: 0 });
  });

  it('deep-merges mappings such as crypto and tls, API on top', () => {
    const { resolved } = resolve(
      {
        type: 'mqtt',
        crypto: { key_length: 256, key_derivation: { iteration: 5 } },
        tls: { ca_certs: 'a.pem' },
      },
      { crypto: { key_derivation: { prf: 'HMAC-SHA512' } }, tls: { check_hostname: false } },
    );
    expect(resolved.crypto).toEqual({
      key_length: 256,
      key_derivation: { iteration: 5, prf: 'HMAC-SHA512' },
    });
    expect(resolved.tls).toEqual({ ca_certs: 'a.pem', check_hostname: false });
  });

  it('takes brokers as a list or a comma string, and consistency as a name or a number', () => {
    expect(resolve({ type: 'kafka', brokers: 'a:1, b ,c:3' }).resolved.brokers).toEqual([
      'a:1',
      'b',
      'c:3',
    ]);
    expect(resolve({ type: 'kafka', brokers: ['a', 'b'] }).resolved.brokers).toEqual(['a', 'b']);
    expect(resolve({ type: 'kafka', consistency: 1 }).resolved.consistency).toBe('AT_LEAST_ONCE');
    expect(() => resolve({ type: 'kafka', consistency: 'SOMETIMES' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => resolve({ type: 'kafka', consistency: 'SOMETIMES' })).toThrow(/SOMETIMES/);
  });

  it('warns about a wrong-typed value in the file, names it, and ignores it', () => {
    const { resolved, warnings } = resolve({
      type: 'mqtt',
      receive_timeout_ms: 'soon',
      data_compression: 'yes',
    });
    expect(resolved.receiveTimeoutMs).toBe(Number.POSITIVE_INFINITY);
    expect(resolved.dataCompression).toBe(false);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/test\.yml: service "s": receive_timeout_ms: expected a number/);
  });

  it('rejects a wrong-typed API value instead of ignoring it', () => {
    expect(() => resolve({ type: 'mqtt' }, { data_compression: 'yes' })).toThrow(
      /data_compression/,
    );
  });

  it('generates a client id when none or an empty one is given', () => {
    expect(resolve({ type: 'mqtt' }).resolved.clientId).toMatch(/^sinetstream-[0-9a-f-]{36}$/);
    expect(resolve({ type: 'mqtt', client_id: '' }).resolved.clientId).toMatch(/^sinetstream-/);
    expect(resolve({ type: 'mqtt', client_id: 'me' }).resolved.clientId).toBe('me');
  });

  it('has the upstream defaults', () => {
    const { resolved } = resolve({ type: 'mqtt' });
    expect(resolved).toMatchObject({
      consistency: 'AT_MOST_ONCE',
      valueType: 'byte_array',
      messageFormat: 3,
      userDataOnly: false,
      dataEncryption: false,
      dataCompression: false,
      compression: { algorithm: 'gzip', level: undefined },
      tls: undefined,
    });
    expect(resolve({ type: 'mqtt', tls: true }).resolved.tls).toEqual({});
  });
});
