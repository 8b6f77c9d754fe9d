/**
 * The crypto seam, browser side. PBKDF2 and random bytes come from WebCrypto; AES from
 * @noble/ciphers, because encrypting a message is synchronous in SINETStream's API and
 * WebCrypto only answers with promises (and has no CFB-8, OFB or EAX at all). CFB-8 and OFB
 * are a few lines over noble's one-block AES; EAX is the shared one in eax.ts.
 */
import { cbc, ctr, gcm, unsafe } from '@noble/ciphers/aes.js';
import type { BlockCipher } from './block-cipher.js';
import { AES_BLOCK } from './cmac.js';
import { eaxMode } from './eax.js';
import type { AesMode, KeyedMode, ModeSpec } from './mode-spec.js';
import { openPgpMode } from './openpgp.js';
import type { CryptoParams, KeySource, Prf } from './params.js';

/** An AES key as this platform holds it. */
export type AesKey = Uint8Array;

const EMPTY = new Uint8Array(0);
const HASHES: Readonly<Record<Prf, string>> = {
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
};

/** `n` cryptographically random bytes. */
export function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** The key of `source` for `salt`: PBKDF2 runs in the browser's own crypto, off the page's thread. */
export async function deriveKey(
  params: CryptoParams,
  source: KeySource,
  salt: Uint8Array,
): Promise<AesKey> {
  if (source.kind === 'key') return Uint8Array.from(source.secret.reveal());
  // Our copy is wiped once imported: the password then lives only inside the CryptoKey.
  const bytes = Uint8Array.from(source.secret.reveal());
  const password = await crypto.subtle
    .importKey('raw', bytes, 'PBKDF2', false, ['deriveBits'])
    .finally(() => bytes.fill(0));
  const bits = await crypto.subtle.deriveBits(
    {
      name: 'PBKDF2',
      salt: Uint8Array.from(salt),
      iterations: params.iteration,
      hash: HASHES[params.prf],
    },
    password,
    params.keyBytes * 8,
  );
  return new Uint8Array(bits);
}

/** One-block AES and friends on noble's expanded key. */
export function nobleBlockCipher(key: AesKey): BlockCipher {
  const expanded = unsafe.expandKeyLE(key);
  return {
    // A fresh, aligned copy: noble encrypts the block in place through a 32-bit view.
    encryptBlock: (block) => unsafe.encryptBlock(expanded, Uint8Array.from(block)),
    cbcLastBlock: (message) =>
      cbc(key, new Uint8Array(AES_BLOCK), { disablePadding: true })
        .encrypt(message)
        .subarray(message.length - AES_BLOCK),
    ctr: (initialCounter, data) => ctr(key, Uint8Array.from(initialCounter)).encrypt(data),
  };
}

/** CFB with 8-bit segments (PyCryptodome's default): one AES block per byte. */
function cfb8(aes: BlockCipher, iv: Uint8Array, input: Uint8Array, decrypting: boolean) {
  const register = Uint8Array.from(iv);
  const out = new Uint8Array(input.length);
  for (let i = 0; i < input.length; i++) {
    out[i] = input[i]! ^ aes.encryptBlock(register)[0]!;
    register.copyWithin(0, 1);
    register[AES_BLOCK - 1] = decrypting ? input[i]! : out[i]!;
  }
  return out;
}

/** OFB: the keystream is the IV encrypted again and again; encrypting and decrypting agree. */
function ofb(aes: BlockCipher, iv: Uint8Array, input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length);
  let stream: Uint8Array = Uint8Array.from(iv);
  for (let at = 0; at < input.length; at += AES_BLOCK) {
    stream = aes.encryptBlock(stream);
    const end = Math.min(AES_BLOCK, input.length - at);
    for (let i = 0; i < end; i++) out[at + i] = input[at + i]! ^ stream[i]!;
  }
  return out;
}

/** CFB with 128-bit segments, as OpenPGP uses it: one AES block per 16 bytes. */
function cfb128(aes: BlockCipher, iv: Uint8Array, input: Uint8Array, decrypting: boolean) {
  const out = new Uint8Array(input.length);
  let register: Uint8Array = Uint8Array.from(iv);
  for (let at = 0; at < input.length; at += AES_BLOCK) {
    const stream = aes.encryptBlock(register);
    const end = Math.min(AES_BLOCK, input.length - at);
    for (let i = 0; i < end; i++) out[at + i] = input[at + i]! ^ stream[i]!;
    register = (decrypting ? input : out).slice(at, at + AES_BLOCK);
  }
  return out;
}

/** PyCryptodome's MODE_OPENPGP (openpgp.ts) over noble's one-block AES. */
const OPENPGP = openPgpMode<AesKey>((key) => {
  const aes = nobleBlockCipher(key);
  return (iv, data, decrypting) => cfb128(aes, iv, data, decrypting);
});

function unauthenticated(
  blockAligned: boolean,
  bind: (key: AesKey) => {
    encrypt(iv: Uint8Array, data: Uint8Array): Uint8Array;
    decrypt(iv: Uint8Array, data: Uint8Array): Uint8Array;
  },
): ModeSpec<AesKey> {
  return {
    ivLength: AES_BLOCK,
    tagLength: 0,
    blockAligned,
    withKey(key): KeyedMode {
      const mode = bind(key);
      return {
        seal: (iv, plain) => ({ ciphertext: mode.encrypt(iv, plain), tag: EMPTY }),
        open: (iv, ciphertext) => mode.decrypt(iv, ciphertext),
      };
    },
  };
}

/** The same sizes as the Node side (modes.ts): PyCryptodome's defaults as SINETStream 1.10 uses them. */
export const MODE_SPECS: Readonly<Record<AesMode, ModeSpec<AesKey>>> = {
  CBC: unauthenticated(true, (key) => ({
    encrypt: (iv, data) => cbc(key, iv, { disablePadding: true }).encrypt(data),
    decrypt: (iv, data) => cbc(key, iv, { disablePadding: true }).decrypt(data),
  })),
  CFB: unauthenticated(false, (key) => {
    const aes = nobleBlockCipher(key);
    return {
      encrypt: (iv, data) => cfb8(aes, iv, data, false),
      decrypt: (iv, data) => cfb8(aes, iv, data, true),
    };
  }),
  OFB: unauthenticated(false, (key) => {
    const aes = nobleBlockCipher(key);
    return { encrypt: (iv, data) => ofb(aes, iv, data), decrypt: (iv, data) => ofb(aes, iv, data) };
  }),
  CTR: unauthenticated(false, (key) => ({
    encrypt: (iv, data) => ctr(key, iv).encrypt(data),
    decrypt: (iv, data) => ctr(key, iv).decrypt(data),
  })),
  OPENPGP,
  OPENPGPCFB: OPENPGP,
  GCM: {
    ivLength: 16,
    tagLength: 16,
    blockAligned: false,
    withKey: (key) => ({
      seal(iv, plain, aad) {
        const sealed = gcm(key, iv, aad).encrypt(plain);
        return { ciphertext: sealed.subarray(0, plain.length), tag: sealed.subarray(plain.length) };
      },
      open(iv, ciphertext, tag, aad) {
        const sealed = new Uint8Array(ciphertext.length + tag.length);
        sealed.set(ciphertext);
        sealed.set(tag, ciphertext.length);
        return gcm(key, iv, aad).decrypt(sealed);
      },
    }),
  },
  EAX: eaxMode(nobleBlockCipher),
};
