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

describe('key derivation runs once per writer salt, not per message', () => {
  it('derives the writer key once, asynchronously, when the cipher is created', async () => {
    vi.mocked(nodeCrypto.pbkdf2).mockClear();
    vi.mocked(nodeCrypto.pbkdf2Sync).mockClear();
    const writer = await createCipher(crypto);
    for (let i = 0; i < 50; i++) writer.encrypt(PLAIN);
    expect(nodeCrypto.pbkdf2).toHaveBeenCalledTimes(1);
    expect(nodeCrypto.pbkdf2Sync).not.toHaveBeenCalled();
  });

  it('derives a reader key once per (key version, salt)', async () => {
    const writers = [await createCipher(crypto), await createCipher(crypto)];
    const reader = await createCipher(crypto);
    vi.mocked(nodeCrypto.pbkdf2Sync).mockClear();
    for (let i = 0; i < 20; i++) {
      for (const writer of writers) reader.decrypt(writer.encrypt(PLAIN), 1);
    }
    expect(nodeCrypto.pbkdf2Sync).toHaveBeenCalledTimes(2);
  });

  it('needs no derivation to read its own messages', async () => {
    const cipher = await createCipher(crypto);
    vi.mocked(nodeCrypto.pbkdf2Sync).mockClear();
    cipher.decrypt(cipher.encrypt(PLAIN), 1);
    expect(nodeCrypto.pbkdf2Sync).not.toHaveBeenCalled();
  });
});
