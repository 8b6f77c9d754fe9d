import { createSecretKey, type KeyObject, pbkdf2, pbkdf2Sync } from 'node:crypto';
import { promisify } from 'node:util';
import type { CryptoParams, KeySource } from './params.js';

const pbkdf2Async = promisify(pbkdf2);

/** Imports key bytes and wipes our copy, so the key lives only inside the KeyObject. */
function importKey(bytes: Buffer): KeyObject {
  const key = createSecretKey(bytes);
  bytes.fill(0);
  return key;
}

/** The writer's key: derived off the event loop, once, when the writer is set up. */
export async function deriveKey(
  params: CryptoParams,
  source: KeySource,
  salt: Uint8Array,
): Promise<KeyObject> {
  if (source.kind === 'key') return createSecretKey(source.secret.reveal());
  const { iteration, keyBytes, prf } = params;
  return importKey(await pbkdf2Async(source.secret.reveal(), salt, iteration, keyBytes, prf));
}

/**
 * A reader's key for a salt it has not seen yet. Synchronous because decoding is; readers
 * cache the result per (key version, salt), and a writer keeps one salt, so this runs once
 * per writer rather than per message.
 */
export function deriveKeySync(
  params: CryptoParams,
  source: KeySource,
  salt: Uint8Array,
): KeyObject {
  if (source.kind === 'key') return createSecretKey(source.secret.reveal());
  const { iteration, keyBytes, prf } = params;
  return importKey(pbkdf2Sync(source.secret.reveal(), salt, iteration, keyBytes, prf));
}
