/**
 * `--password` and `--tls-*` add single keys to the service the config file defines: the
 * file's other crypto and TLS settings stay (issue 13, item 7).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MessageReader } from '../../../src/index.js';
import { CERTS, PORTS, requireMosquitto } from '../mqtt/mosquitto.js';
import { cli } from './processes.js';

beforeAll(requireMosquitto);

function configFile(service: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sinetstream-flags-'));
  const file = join(dir, 'config.yml');
  writeFileSync(file, JSON.stringify({ header: { version: 3 }, config: { sensors: service } }));
  return file;
}

/** Writes `value` with the CLI, then reads it back in this process with `more` options. */
async function roundTrip(file: string, topic: string, flags: string[], more = {}) {
  const reader = await new MessageReader<string>({
    configFile: file,
    service: 'sensors',
    topics: topic,
    valueType: 'text',
    receiveTimeoutMs: 10_000,
    ...more,
  }).open();
  try {
    const writer = cli(['write', '--config-file', file, '-s', 'sensors', '-t', ...flags], {
      input: 'hello',
    });
    expect(await writer.exited, writer.stderr).toBe(0);
    for await (const message of reader) return message.value;
    return undefined;
  } finally {
    await reader.close();
  }
}

describe('CLI flags merge into the service of the config file', () => {
  it('--password turns encryption on with the file crypto settings (EAX-256, 1000 iterations)', async () => {
    const topic = `flags-${randomUUID().slice(0, 8)}`;
    const crypto = {
      algorithm: 'AES',
      key_length: 256,
      mode: 'EAX',
      key_derivation: { algorithm: 'pbkdf2', salt_bytes: 16, iteration: 1000 },
    };
    const file = configFile({ type: 'mqtt', brokers: `127.0.0.1:${PORTS.tcp}`, topic, crypto });
    // The reader has the file's settings and the password; a writer that had replaced the
    // crypto block (default mode and key length) would give it an InvalidMessageError.
    const value = await roundTrip(file, topic, ['--password', 'flag-secret'], {
      dataEncryption: true,
      crypto: { password: 'flag-secret' },
    });
    expect(value).toBe('hello');
  }, 60_000);

  it('--tls-ca joins the file certfile and keyfile (a listener that requires a client certificate)', async () => {
    const topic = `flags-${randomUUID().slice(0, 8)}`;
    const file = configFile({
      type: 'mqtt',
      brokers: `127.0.0.1:${PORTS.clientCert}`,
      topic,
      tls: { certfile: CERTS.clientCert, keyfile: CERTS.clientKey },
    });
    const value = await roundTrip(file, topic, ['--tls-ca', CERTS.ca], {
      tls: { ca_certs: CERTS.ca },
    });
    expect(value).toBe('hello');
  }, 60_000);
});
