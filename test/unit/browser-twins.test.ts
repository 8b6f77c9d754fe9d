/**
 * The browser twins (src/**\/*.browser.ts) checked against their Node originals in Node, so a
 * change to either side shows here even where Chromium is not installed (test/browser runs
 * the whole browser build in Chromium).
 */
import { createSecretKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gzipCompression as browserGzip } from '../../src/compression/gzip.browser.js';
import { gzipCompression as nodeGzip } from '../../src/compression/gzip.js';
import * as browserCrypto from '../../src/crypto/backend.browser.js';
import * as nodeCrypto from '../../src/crypto/backend.js';
import { AES_MODES } from '../../src/crypto/mode-spec.js';
import { readCryptoParams } from '../../src/crypto/params.js';
import { InvalidMessageError } from '../../src/errors.js';
import { lz4Compression as browserLz4 } from '../../src/plugins/compression-lz4/index.browser.js';
import { lz4Compression as nodeLz4 } from '../../src/plugins/compression-lz4/index.js';

const bytes = (length: number, seed = 1) =>
  Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7 + (i >> 5)) & 0xff);
const hex = (data: Uint8Array) => Buffer.from(data).toString('hex');

describe('the crypto backends agree', () => {
  it.each([
    ['HMAC-SHA256', 128],
    ['HMAC-SHA384', 192],
    ['HMAC-SHA512', 256],
  ])('PBKDF2 with %s gives the same %i-bit key', async (prf, bits) => {
    const params = await readCryptoParams({
      algorithm: 'AES',
      mode: 'GCM',
      key_length: bits,
      password: 'pässwörd',
      key_derivation: { prf, iteration: 1000 },
    });
    const source = params.keys.get(1)!;
    const salt = bytes(8);
    const ours = await browserCrypto.deriveKey(params, source, salt);
    const node = await nodeCrypto.deriveKey(params, source, salt);
    expect(hex(ours)).toBe(hex(node.export()));
  });

  const cases = AES_MODES.flatMap((mode) =>
    [16, 24, 32].flatMap((keyBytes) =>
      [0, 1, 15, 16, 17, 100, 1000].map((n) => [mode, keyBytes, n] as const),
    ),
  );
  it.each(cases)(
    '%s with a %i-byte key, %i bytes: each opens what the other sealed',
    (mode, keyBytes, n) => {
      const key = bytes(keyBytes, 3);
      const iv = bytes(nodeCrypto.MODE_SPECS[mode].ivLength, 5);
      const aad = bytes(24, 9);
      // CBC takes whole blocks (the cipher pads before sealing).
      const plain = bytes(mode === 'CBC' ? Math.ceil(n / 16) * 16 || 16 : n, 7);
      const ours = browserCrypto.MODE_SPECS[mode].withKey(key);
      const node = nodeCrypto.MODE_SPECS[mode].withKey(createSecretKey(key));
      // OPENPGP carries its IV encrypted; the others carry the random bytes as they are.
      expect(hex(ours.carriedIv?.(iv) ?? iv)).toBe(hex(node.carriedIv?.(iv) ?? iv));
      const sealedByUs = ours.seal(iv, plain, aad);
      const sealedByNode = node.seal(iv, plain, aad);
      expect(hex(sealedByUs.ciphertext)).toBe(hex(sealedByNode.ciphertext));
      expect(hex(sealedByUs.tag)).toBe(hex(sealedByNode.tag));
      expect(hex(node.open(iv, sealedByUs.ciphertext, sealedByUs.tag, aad))).toBe(hex(plain));
      expect(hex(ours.open(iv, sealedByNode.ciphertext, sealedByNode.tag, aad))).toBe(hex(plain));
    },
  );

  it.each(['GCM', 'EAX'] as const)('%s in the browser refuses a changed tag', (mode) => {
    const spec = browserCrypto.MODE_SPECS[mode].withKey(bytes(16));
    const { ciphertext, tag } = spec.seal(bytes(16), bytes(40), bytes(8));
    tag[0]! ^= 1;
    expect(() => spec.open(bytes(16), ciphertext, tag, bytes(8))).toThrow();
  });
});

describe('the compression twins read each other and keep the output limit', () => {
  const text = new TextEncoder().encode('sensor 21.5 °C; '.repeat(20_000));
  it.each([
    ['gzip', nodeGzip, browserGzip],
    ['lz4', nodeLz4, browserLz4],
  ] as const)('%s', async (_name, node, browser) => {
    const [n, b] = [await node.create(undefined, {}), await browser.create(undefined, {})];
    expect(hex(b.decompress(n.compress(text), text.length))).toBe(hex(text));
    expect(hex(n.decompress(b.compress(text), text.length))).toBe(hex(text));
    expect(() => b.decompress(n.compress(text), text.length - 1)).toThrow(InvalidMessageError);
    expect(() => b.decompress(bytes(100), 1000)).toThrow(InvalidMessageError);
  });
});
