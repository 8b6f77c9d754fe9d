import { createSecretKey, type KeyObject, pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import type { CryptoParams, KeySource } from './params.js';

const pbkdf2Async = promisify(pbkdf2);

/** Imports key bytes and wipes our copy, so the key lives only inside the KeyObject. */
function importKey(bytes: Buffer): KeyObject {
  const key = createSecretKey(bytes);
  bytes.fill(0);
  return key;
}

/**
 * The key of `source` for `salt`. PBKDF2 runs on libuv's threadpool, never on the event loop:
 * a reader meets new salts whenever a message comes from a new writer, or is forged.
 */
export async function deriveKey(
  params: CryptoParams,
  source: KeySource,
  salt: Uint8Array,
): Promise<KeyObject> {
  if (source.kind === 'key') return createSecretKey(source.secret.reveal());
  const { iteration, keyBytes, prf } = params;
  return importKey(await pbkdf2Async(source.secret.reveal(), salt, iteration, keyBytes, prf));
}
