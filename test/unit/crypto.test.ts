import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createCipher } from '../../src/crypto/index.js';
import { EnvelopeCodec } from '../../src/envelope/envelope-codec.js';
import { InvalidArgumentError, InvalidMessageError } from '../../src/errors.js';

const MODES = ['CBC', 'CFB', 'OFB', 'CTR', 'OPENPGP', 'OPENPGPCFB', 'EAX', 'GCM'] as const;
const FAST = { iteration: 100 };
const TEXT = 'the quick brown fox jumps over the lazy dog';
const PLAIN = new TextEncoder().encode(TEXT);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const TS = 1_700_000_000_123_456;

function aes(extra: Record<string, unknown>): Record<string, unknown> {
  return { algorithm: 'AES', password: 'secret-000', key_derivation: FAST, ...extra };
}

async function envelope(crypto: Record<string, unknown>, messageFormat: 2 | 3 = 3) {
  return new EnvelopeCodec({
    userDataOnly: false,
    messageFormat,
    maxMessageSize: 1024 ** 2,
    cipher: await createCipher(crypto),
  });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('round trip', () => {
  for (const mode of MODES) {
    for (const keyLength of [128, 192, 256]) {
      for (const padding of mode === 'CBC' ? ['pkcs7'] : ['none', 'pkcs7']) {
        it(`${mode}-${keyLength} padding ${padding}`, async () => {
          const crypto = aes({ mode, key_length: keyLength, padding });
          const [writer, reader] = [await envelope(crypto), await envelope(crypto)];
          for (const payload of [new Uint8Array(0), PLAIN, new Uint8Array(70_000).fill(7)]) {
            const decoded = await reader.decode(writer.encode(payload, TS).bytes);
            expect(Buffer.from(decoded.payload).equals(Buffer.from(payload))).toBe(true);
            expect(decoded.timestampUs).toBe(TS);
          }
        });
      }
    }
  }
});

describe('message layout', () => {
  it('is salt || 16-byte IV || ciphertext || tag, with EAX tags of 8 bytes and GCM tags of 16', async () => {
    for (const [mode, tag] of [
      ['CTR', 0],
      ['EAX', 8],
      ['GCM', 16],
    ] as const) {
      const cipher = await createCipher(aes({ mode, key_derivation: { ...FAST, salt_bytes: 12 } }));
      expect(cipher.encrypt(PLAIN).length).toBe(12 + 16 + PLAIN.length + tag);
    }
  });

  it('carries an OPENPGP IV of 18 bytes: the random IV and its last two bytes, encrypted', async () => {
    const key = new Uint8Array(16).fill(3);
    const cipher = await createCipher({ algorithm: 'AES', mode: 'OPENPGP', key });
    const message = Buffer.from(cipher.encrypt(PLAIN));
    expect(message.length).toBe(8 + 18 + PLAIN.length);
    const { createDecipheriv } = await import('node:crypto');
    const ivCipher = createDecipheriv('aes-128-cfb', key, Buffer.alloc(16));
    const iv = Buffer.concat([ivCipher.update(message.subarray(8, 26)), ivCipher.final()]);
    expect(iv.subarray(16).equals(iv.subarray(14, 16))).toBe(true);
  });

  it('encrypts whole blocks with CBC and no padding, and refuses a message that is not', async () => {
    const cipher = await createCipher(aes({ mode: 'CBC', padding: 'none' }));
    const writer = new EnvelopeCodec({
      userDataOnly: true,
      messageFormat: 3,
      maxMessageSize: 1024 ** 2,
      cipher,
    });
    for (const length of [0, 16, 48]) {
      const payload = new Uint8Array(length).fill(5);
      const { payload: decoded } = await writer.decode(writer.encode(payload, TS).bytes);
      expect([...decoded]).toEqual([...payload]);
    }
    expect(() => writer.encode(new Uint8Array(17), TS)).toThrow(InvalidArgumentError);
    expect(() => writer.encode(new Uint8Array(17), TS)).toThrow(
      /crypto\.padding: AES-CBC without padding encrypts only whole 16-byte blocks; this message is 17 bytes/,
    );
  });

  it('pads to whole blocks with pkcs7', async () => {
    const cipher = await createCipher(aes({ mode: 'CBC', padding: 'pkcs7' }));
    expect(cipher.encrypt(new Uint8Array(16)).length).toBe(8 + 16 + 32);
    expect(cipher.encrypt(new Uint8Array(15)).length).toBe(8 + 16 + 16);
  });

  it('keeps one salt per writer and draws a fresh IV per message', async () => {
    const one = await createCipher(aes({ mode: 'GCM' }));
    const two = await createCipher(aes({ mode: 'GCM' }));
    const [a, b, c] = [one.encrypt(PLAIN), one.encrypt(PLAIN), two.encrypt(PLAIN)];
    const salt = (m: Uint8Array) => Buffer.from(m.subarray(0, 8)).toString('hex');
    const iv = (m: Uint8Array) => Buffer.from(m.subarray(8, 24)).toString('hex');
    expect(salt(a)).toBe(salt(b));
    expect(salt(a)).not.toBe(salt(c));
    expect(iv(a)).not.toBe(iv(b));
  });

  it('carries a salt with a raw key too, as SINETStream (Python) does', async () => {
    const cipher = await createCipher({ algorithm: 'AES', mode: 'CTR', key: new Uint8Array(16) });
    expect(cipher.encrypt(PLAIN).length).toBe(8 + 16 + PLAIN.length);
  });
});

describe('keys and key versions', () => {
  const k = (fill: number, bytes = 16) => new Uint8Array(bytes).fill(fill);

  it('encrypts with the highest key version and names it in the v3 header', async () => {
    const writer = await envelope({
      algorithm: 'AES',
      mode: 'GCM',
      _keys: { 1: k(1), 7: k(7), 3: k(3) },
    });
    const bytes = writer.encode(PLAIN, TS).bytes;
    expect([bytes[4], bytes[5]]).toEqual([0, 7]);
  });

  it('decrypts each message with the key version its header names', async () => {
    const old = await envelope({ algorithm: 'AES', mode: 'EAX', _keys: { 1: k(1) } });
    const current = await envelope({ algorithm: 'AES', mode: 'EAX', _keys: { 2: k(2) } });
    const reader = await envelope({ algorithm: 'AES', mode: 'EAX', _keys: { 1: k(1), 2: k(2) } });
    for (const writer of [old, current]) {
      expect(text((await reader.decode(writer.encode(PLAIN, TS).bytes)).payload)).toBe(TEXT);
    }
  });

  it('accepts a password per key version', async () => {
    const crypto = {
      algorithm: 'AES',
      mode: 'GCM',
      key_derivation: FAST,
      _keys: { 4: 'four', '5': { value: 'five' } },
    };
    const [writer, reader] = [await envelope(crypto), await envelope(crypto)];
    expect(text((await reader.decode(writer.encode(PLAIN, TS).bytes)).payload)).toBe(TEXT);
  });

  it('reads format 2 messages with the highest key version', async () => {
    const crypto = { algorithm: 'AES', mode: 'GCM', _keys: { 1: k(1), 2: k(2) } };
    const [writer, reader] = [await envelope(crypto, 2), await envelope(crypto, 2)];
    expect(text((await reader.decode(writer.encode(PLAIN, TS).bytes)).payload)).toBe(TEXT);
  });

  it('rejects a message whose key version the reader lacks, naming the version', async () => {
    const writer = await envelope({ algorithm: 'AES', mode: 'GCM', _keys: { 9: k(9) } });
    const reader = await envelope({ algorithm: 'AES', mode: 'GCM', _keys: { 1: k(1) } });
    await expect(reader.decode(writer.encode(PLAIN, TS).bytes)).rejects.toThrow(/key version 9/);
    await expect(reader.decode(writer.encode(PLAIN, TS).bytes)).rejects.toThrow(
      InvalidMessageError,
    );
  });

  it('reads password.path verbatim, trailing newline included', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sinetstream-')), 'password');
    writeFileSync(file, 'pw\n');
    const writer = await envelope(aes({ mode: 'GCM', password: { path: file } }));
    const right = await envelope(aes({ mode: 'GCM', password: 'pw\n' }));
    const wrong = await envelope(aes({ mode: 'GCM', password: 'pw' }));
    const bytes = writer.encode(PLAIN, TS).bytes;
    expect(text((await right.decode(bytes)).payload)).toBe(TEXT);
    await expect(wrong.decode(bytes)).rejects.toThrow(InvalidMessageError);
  });
});

describe('bad messages give InvalidMessageError, never garbage', () => {
  for (const mode of MODES) {
    it(`${mode}: wrong password`, async () => {
      const bytes = (await envelope(aes({ mode, padding: 'pkcs7' }))).encode(PLAIN, TS).bytes;
      const reader = await envelope(aes({ mode, padding: 'pkcs7', password: 'wrong' }));
      await expect(reader.decode(bytes)).rejects.toThrow(InvalidMessageError);
    });

    it(`${mode}: truncated at any length`, async () => {
      const bytes = (await envelope(aes({ mode, padding: 'pkcs7' }))).encode(PLAIN, TS).bytes;
      const reader = await envelope(aes({ mode, padding: 'pkcs7' }));
      for (let length = 0; length < bytes.length; length++) {
        await expect(reader.decode(bytes.subarray(0, length)), `length ${length}`).rejects.toThrow(
          InvalidMessageError,
        );
      }
    });
  }

  // Only the AEAD modes authenticate; CBC/CFB/OFB/CTR are malleable, as upstream's are.
  for (const mode of ['EAX', 'GCM'] as const) {
    it(`${mode}: any changed bit of salt, nonce, ciphertext or tag`, async () => {
      const bytes = (await envelope(aes({ mode }))).encode(PLAIN, TS).bytes;
      const reader = await envelope(aes({ mode }));
      for (let i = 6; i < bytes.length; i++) {
        const tampered = Uint8Array.from(bytes);
        tampered[i]! ^= 0x10;
        await expect(reader.decode(tampered), `byte ${i}`).rejects.toThrow(InvalidMessageError);
      }
    });
  }

  it('keeps the cause', async () => {
    const bytes = (await envelope(aes({ mode: 'GCM' }))).encode(PLAIN, TS).bytes;
    const reader = await envelope(aes({ mode: 'GCM', password: 'wrong' }));
    await expect(reader.decode(bytes)).rejects.toThrow(
      expect.objectContaining({ cause: expect.any(Error) }),
    );
  });
});

describe('configuration errors name the key', () => {
  it.each([
    [
      { mode: 'ECB' },
      /crypto\.mode: must be one of CBC, CFB, OFB, CTR, OPENPGP, OPENPGPCFB, EAX, GCM, got ECB/,
    ],
    [{ mode: 'GCM', algorithm: 'DES' }, /crypto\.algorithm/],
    [{ mode: 'GCM', key_length: 512 }, /crypto\.key_length: must be 128, 192 or 256, got 512/],
    [{ mode: 'GCM', padding: 'zeros' }, /crypto\.padding/],
    [{ mode: 'GCM', key_derivation: { prf: 'HMAC-MD5' } }, /crypto\.key_derivation\.prf/],
    [{ mode: 'GCM', key_derivation: { algorithm: 'scrypt' } }, /crypto\.key_derivation\.algorithm/],
    [{ mode: 'GCM', key_derivation: { iteration: 0 } }, /crypto\.key_derivation\.iteration/],
    [{ mode: 'GCM', key: new Uint8Array(16) }, /crypto: key and password are mutually exclusive/],
    [{ mode: 'GCM', password: undefined }, /needs one of password, key or _keys/],
    [{ mode: 'GCM', password: 42 }, /crypto\.password: must be a string/],
    [{ mode: 'GCM', password: '鍵' }, /crypto\.password: contains characters beyond U\+00FF/],
    [
      { mode: 'GCM', password: undefined, key: new Uint8Array(10) },
      /crypto\.key: must be 16 bytes for key_length 128, got 10/,
    ],
    [
      { mode: 'GCM', password: undefined, key: 'c2VjcmV0' },
      /crypto\.key: must be bytes \(in YAML: !!binary/,
    ],
    [
      { mode: 'GCM', password: undefined, _keys: { 0: new Uint8Array(16) } },
      /crypto\._keys\.0: must be an integer in 1\.\.65535/,
    ],
    [{ mode: 'GCM', password: undefined, _keys: {} }, /crypto\._keys: has no key versions/],
  ])('%o', async (extra, message) => {
    const error = await rejection(createCipher(aes(extra)));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(message);
  });

  it('reports an unreadable password file with its cause', async () => {
    const error = await rejection(
      createCipher(aes({ mode: 'GCM', password: { path: '/nonexistent/pw' } })),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(/crypto\.password\.path: cannot read \/nonexistent\/pw/);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('accepts upstream spellings: PBKDF2WithHmacSHA256, NoPadding, lower-case mode', async () => {
    const crypto = aes({
      mode: 'gcm',
      padding: 'NoPadding',
      key_derivation: { ...FAST, algorithm: 'PBKDF2WithHmacSHA256' },
    });
    await expect(createCipher(crypto)).resolves.toBeDefined();
  });
});

describe('secrets stay secret', () => {
  const password = 'hunter2-correct-horse';
  const key = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  const leaks = (text: string) =>
    [password, key.toString('hex'), key.toString('base64'), '00 11 22 33', '0, 17, 34, 51'].some(
      (s) => text.includes(s),
    );

  it('are not shown by util.inspect or JSON', async () => {
    for (const crypto of [aes({ mode: 'GCM', password }), { algorithm: 'AES', mode: 'GCM', key }]) {
      const cipher = await createCipher(crypto);
      expect(leaks(inspect(cipher, { depth: 10, showHidden: true }))).toBe(false);
      expect(leaks(JSON.stringify(cipher))).toBe(false);
    }
  });

  it('are not in error messages', async () => {
    const errors = [
      await rejection(createCipher({ algorithm: 'AES', mode: 'GCM', key: key.subarray(0, 15) })),
      await rejection(createCipher(aes({ mode: 'ECB', password }))),
      await rejection(createCipher({ algorithm: 'AES', mode: 'GCM', password, key })),
    ];
    const reader = await envelope(aes({ mode: 'GCM', password }));
    const writer = await envelope(aes({ mode: 'GCM', password: `${password}!` }));
    try {
      await reader.decode(writer.encode(PLAIN, TS).bytes);
    } catch (error) {
      errors.push(error as Error);
    }
    expect(errors).toHaveLength(4);
    for (const error of errors) expect(leaks(inspect(error, { depth: 10 }))).toBe(false);
  });
});
