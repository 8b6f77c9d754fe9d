import { AesMessageCipher } from './aes-cipher.js';
import { deriveKey, randomBytes } from './backend.js';
import { readCryptoParams } from './params.js';
import type { MessageCipher } from './types.js';

export type { MessageCipher } from './types.js';

/**
 * Builds the cipher a `crypto:` block describes (SINETStream 1.10 keys and defaults).
 * The writer's key (highest key version, fresh random salt) is derived here, asynchronously,
 * so encrypting a message never runs PBKDF2.
 */
export async function createCipher(
  crypto: Readonly<Record<string, unknown>>,
): Promise<MessageCipher> {
  const params = await readCryptoParams(crypto);
  const keyVersion = Math.max(...params.keys.keys());
  const salt = randomBytes(params.saltBytes);
  const key = await deriveKey(params, params.keys.get(keyVersion)!, salt);
  return new AesMessageCipher(params, keyVersion, salt, key);
}
