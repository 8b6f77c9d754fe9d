import * as nodeCrypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createCipher } from '../../src/crypto/index.js';

// Counts key derivations; the real functions still do the work.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, pbkdf2: vi.fn(actual.pbkdf2), pbkdf2Sync: vi.fn(actual.pbkdf2Sync) };
});

const crypto = {
  algorithm: 'AES',
  mode: 'GCM',
  password: 'pw',
  key_derivation: { iteration: 1000 },
};
const PLAIN = new Uint8Array(100);

describe('key derivation runs once per writer salt, not per message, never blocking', () => {
  it('derives the writer key once, asynchronously, when the cipher is created', async () => {
    vi.mocked(nodeCrypto.pbkdf2).mockClear();
    const writer = await createCipher(crypto);
    for (let i = 0; i < 50; i++) writer.encrypt(PLAIN);
    expect(nodeCrypto.pbkdf2).toHaveBeenCalledTimes(1);
    expect(nodeCrypto.pbkdf2Sync).not.toHaveBeenCalled();
  });

  it('derives a reader key once per (key version, salt), asynchronously', async () => {
    const writers = [await createCipher(crypto), await createCipher(crypto)];
    const reader = await createCipher(crypto);
    vi.mocked(nodeCrypto.pbkdf2).mockClear();
    for (let i = 0; i < 20; i++) {
      for (const writer of writers) await reader.decrypt(writer.encrypt(PLAIN), 1);
    }
    expect(nodeCrypto.pbkdf2).toHaveBeenCalledTimes(2);
    expect(nodeCrypto.pbkdf2Sync).not.toHaveBeenCalled();
  });

  it('derives once for messages with the same new salt decoded at the same time', async () => {
    const [writer, reader] = [await createCipher(crypto), await createCipher(crypto)];
    vi.mocked(nodeCrypto.pbkdf2).mockClear();
    const messages = Array.from({ length: 10 }, () => writer.encrypt(PLAIN));
    await Promise.all(messages.map((message) => reader.decrypt(message, 1)));
    expect(nodeCrypto.pbkdf2).toHaveBeenCalledTimes(1);
  });

  it('needs no derivation to read its own messages', async () => {
    const cipher = await createCipher(crypto);
    vi.mocked(nodeCrypto.pbkdf2).mockClear();
    await cipher.decrypt(cipher.encrypt(PLAIN), 1);
    expect(nodeCrypto.pbkdf2).not.toHaveBeenCalled();
  });

  it('keeps the 64 most recently used keys: a flood of new salts does not evict a busy writer', async () => {
    const [busy, reader] = [await createCipher(crypto), await createCipher(crypto)];
    await reader.decrypt(busy.encrypt(PLAIN), 1);
    vi.mocked(nodeCrypto.pbkdf2).mockClear();
    for (let i = 0; i < 100; i++) {
      await reader.decrypt((await createCipher(crypto)).encrypt(PLAIN), 1);
      await reader.decrypt(busy.encrypt(PLAIN), 1);
    }
    // Each new writer: its own key, and the reader's key for it; never the busy writer's again.
    expect(nodeCrypto.pbkdf2).toHaveBeenCalledTimes(200);
  });
});
