import { createSecretKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nobleBlockCipher } from '../../src/crypto/backend.browser.js';
import type { BlockCipher } from '../../src/crypto/block-cipher.js';
import { Cmac } from '../../src/crypto/cmac.js';
import { Eax, EaxAuthenticationError } from '../../src/crypto/eax.js';
import { nodeBlockCipher } from '../../src/crypto/node-aes.js';

const hex = (s: string) => Buffer.from(s, 'hex');
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

// The same CMAC and EAX run over OpenSSL in Node and over @noble/ciphers in the browser.
const BLOCK_CIPHERS: readonly [string, (key: Uint8Array) => BlockCipher][] = [
  ['node:crypto', (key) => nodeBlockCipher(createSecretKey(key))],
  ['@noble/ciphers', (key) => nobleBlockCipher(key)],
];

describe.each(BLOCK_CIPHERS)('on %s', (_name, blockCipher) => {
  describe('AES-CMAC against RFC 4493 section 4', () => {
    const cmac = new Cmac(blockCipher(hex('2b7e151628aed2a6abf7158809cf4f3c')));
    const message = hex(
      '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710',
    );
    it.each([
      [0, 'bb1d6929e95937287fa37d129b756746'],
      [16, '070a16b46b4d4144f79bdd9dd04a287c'],
      [40, 'dfa66747de9ae63030ca32611497c827'],
      [64, '51f0bebf7e3b9d92fc49741779363cfe'],
    ])('example with a %i-byte message', (length, tag) => {
      expect(toHex(cmac.mac(message.subarray(0, length)))).toBe(tag);
    });

    // Longer inputs take a different path (one AES-CBC call instead of block-by-block
    // chaining); the expected tags are PyCryptodome's CMAC of the RFC message repeated.
    it.each([
      [128, '4cceb46cf937313fbb42cf686efc5703'],
      [129, 'de4a780eedffdec44e35a8e225673fa8'],
      [192, 'dd6828bf66dcec41f3f6e27d88455ca9'],
      [200, '3e5c58cd802001b448783fee0eccda5e'],
    ])('a %i-byte message', (length, tag) => {
      const repeated = Buffer.concat([message, message, message, message]);
      expect(toHex(cmac.mac(repeated.subarray(0, length)))).toBe(tag);
    });

    it('treats a prefix as the start of the message', () => {
      expect(toHex(cmac.mac(message.subarray(16, 40), message.subarray(0, 16)))).toBe(
        'dfa66747de9ae63030ca32611497c827',
      );
    });
  });

  // Bellare, Rogaway, Wagner, "The EAX Mode of Operation" (FSE 2004), appendix test vectors:
  // [message, key, nonce, header, ciphertext || 16-byte tag].
  const PAPER_VECTORS = [
    [
      '',
      '233952dee4d5ed5f9b9c6d6ff80ff478',
      '62ec67f9c3a4a407fcb2a8c49031a8b3',
      '6bfb914fd07eae6b',
      'e037830e8389f27b025a2d6527e79d01',
    ],
    [
      'f7fb',
      '91945d3f4dcbee0bf45ef52255f095a4',
      'becaf043b0a23d843194ba972c66debd',
      'fa3bfd4806eb53fa',
      '19dd5c4c9331049d0bdab0277408f67967e5',
    ],
    [
      '1a47cb4933',
      '01f74ad64077f2e704c0f60ada3dd523',
      '70c3db4f0d26368400a10ed05d2bff5e',
      '234a3463c1264ac6',
      'd851d5bae03a59f238a23e39199dc9266626c40f80',
    ],
    [
      '481c9e39b1',
      'd07cf6cbb7f313bdde66b727afd3c5e8',
      '8408dfff3c1a2b1292dc199e46b7d617',
      '33cce2eabff5a79d',
      '632a9d131ad4c168a4225d8e1ff755939974a7bede',
    ],
    [
      '40d0c07da5e4',
      '35b6d0580005bbc12b0587124557d2c2',
      'fdb6b06676eedc5c61d74276e1f8e816',
      'aeb96eaebe2970e9',
      '071dfe16c675cb0677e536f73afe6a14b74ee49844dd',
    ],
    [
      '4de3b35c3fc039245bd1fb7d',
      'bd8e6e11475e60b268784c38c62feb22',
      '6eac5c93072d8e8513f750935e46da1b',
      'd4482d1ca78dce0f',
      '835bb4f15d743e350e728414abb8644fd6ccb86947c5e10590210a4f',
    ],
    [
      '8b0a79306c9ce7ed99dae4f87f8dd61636',
      '7c77d6e813bed5ac98baa417477a2e7d',
      '1a8c98dcd73d38393b2bf1569deefc19',
      '65d2017990d62528',
      '02083e3979da014812f59f11d52630da30137327d10649b0aa6e1c181db617d7f2',
    ],
    [
      '1bda122bce8a8dbaf1877d962b8592dd2d56',
      '5fff20cafab119ca2fc73549e20f5b0d',
      'dde59b97d722156d4d9aff2bc7559826',
      '54b9f04e6a09189a',
      '2ec47b2c4954a489afc7ba4897edcdae8cc33b60450599bd02c96382902aef7f832a',
    ],
    [
      '6cf36720872b8513f6eab1a8a44438d5ef11',
      'a4a4782bcffd3ec5e7ef6d8c34a56123',
      'b781fcf2f75fa5a8de97a9ca48e522ec',
      '899a175897561d7e',
      '0de18fd0fdd91e7af19f1d8ee8733938b1e8e7f6d2231618102fdb7fe55ff1991700',
    ],
    [
      'ca40d7446e545ffaed3bd12a740a659ffbbb3ceab7',
      '8395fcf1e95bebd697bd010bc766aac3',
      '22e7add93cfc6393c57ec0b3c17d6b44',
      '126735fcc320d25a',
      'cb8920f87a6c75cff39627b56e3ed197c552d295a7cfc46afc253b4652b1af3795b124ab6e',
    ],
  ] as const;

  describe('EAX against the published test vectors', () => {
    it.each(PAPER_VECTORS)('message %s', (message, key, nonce, header, expected) => {
      const eax = new Eax(blockCipher(hex(key)), 16);
      const { ciphertext, tag } = eax.seal(hex(nonce), hex(header), hex(message));
      expect(toHex(Buffer.concat([ciphertext, tag]))).toBe(expected);
      const sealed = hex(expected);
      const split = sealed.length - 16;
      expect(
        toHex(eax.open(hex(nonce), hex(header), sealed.subarray(0, split), sealed.subarray(split))),
      ).toBe(message);
    });

    it('truncates the tag to the configured length (SINETStream uses 8 bytes)', () => {
      const [message, key, nonce, header, expected] = PAPER_VECTORS[9];
      const { tag } = new Eax(blockCipher(hex(key)), 8).seal(hex(nonce), hex(header), hex(message));
      expect(toHex(tag)).toBe(expected.slice(message.length, message.length + 16));
    });

    it.each(['ciphertext', 'tag', 'header', 'nonce'] as const)('rejects a changed %s', (part) => {
      const [message, key, nonce, header] = PAPER_VECTORS[6];
      const eax = new Eax(blockCipher(hex(key)), 8);
      const sealed = eax.seal(hex(nonce), hex(header), hex(message));
      const parts = {
        ciphertext: sealed.ciphertext,
        tag: sealed.tag,
        header: hex(header),
        nonce: hex(nonce),
      };
      parts[part][0]! ^= 1;
      expect(() => eax.open(parts.nonce, parts.header, parts.ciphertext, parts.tag)).toThrow(
        EaxAuthenticationError,
      );
    });
  });
});
