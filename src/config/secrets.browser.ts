/**
 * Encrypted config values in the browser: refused. Decrypting them needs the user's private
 * key file (~/.config/sinetstream/private_key.pem), which a page cannot read.
 */
import { InvalidConfigError } from '../errors.js';
import { EncryptedSecret } from './encrypted-secret.js';
import type { ServiceDefinition } from './services.js';

function firstSecret(value: unknown, path: string): string | undefined {
  if (value instanceof EncryptedSecret) return path;
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = firstSecret(item, path === '' ? key : `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The service as it is; throws InvalidConfigError if it holds an encrypted value. */
export function decryptServiceSecrets(definition: ServiceDefinition): ServiceDefinition {
  const path = firstSecret(definition.common, '') ?? firstSecret(definition.brokerSpecific, '');
  if (path === undefined) return definition;
  throw new InvalidConfigError(
    `service "${definition.name}": ${path} is encrypted (!sinetstream/encrypted), and a browser ` +
      'cannot read the private key file that decrypts it: give the value in plain text',
  );
}
