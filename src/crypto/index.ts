import { InvalidArgumentError } from '../errors.js';
import type { MessageCipher } from './types.js';

export type { MessageCipher } from './types.js';

/** Builds the cipher a `crypto:` block describes. */
export async function createCipher(crypto: Readonly<Record<string, unknown>>): Promise<MessageCipher> {
  throw new InvalidArgumentError(
    `data_encryption: not available in this build (crypto keys given: ${Object.keys(crypto).join(', ')})`,
  );
}
