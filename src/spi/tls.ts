import { createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { InvalidArgumentError } from '../errors.js';
import type { TlsSettings } from './types.js';

const asBuffer = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Node's TLS options for the settings core loaded: what every plugin whose client takes
 * `tls.connect` options passes on, so none of them reads a file or spells this out again.
 * The server name to check is `serverName`, else `host` unless it is an IP address (a client
 * that connects to several hosts passes none, and sets it per connection).
 */
export function nodeTlsOptions(
  tls: TlsSettings,
  host?: string,
  serverName?: string,
): ConnectionOptions {
  const servername = serverName ?? (host === undefined || isIP(host) ? undefined : host);
  if (tls.key) checkPrivateKey(asBuffer(tls.key), tls.keyPassword?.revealText());
  return {
    ...(tls.ca && { ca: asBuffer(tls.ca) }),
    ...(tls.cert && { cert: asBuffer(tls.cert) }),
    ...(tls.key && { key: asBuffer(tls.key) }),
    ...(tls.keyPassword && { passphrase: tls.keyPassword.revealText() }),
    ...(tls.ciphers !== undefined && { ciphers: tls.ciphers }),
    ...(servername !== undefined && { servername }),
    // Only the name check is skipped: the chain is still verified against the CA.
    ...(tls.checkHostname ? {} : { checkServerIdentity: () => undefined }),
  };
}

/**
 * Opens the client key once here, so that a wrong or missing passphrase is an error naming
 * the key, rather than the TLS library's "bad decrypt" from deep inside a connection attempt.
 */
function checkPrivateKey(key: Buffer, passphrase: string | undefined): void {
  try {
    createPrivateKey({ key, format: 'pem', ...(passphrase !== undefined && { passphrase }) });
  } catch (error) {
    // OpenSSL 3 says "interrupted or cancelled" for an encrypted PKCS#8 key without one.
    const encrypted =
      (error as { code?: unknown }).code === 'ERR_MISSING_PASSPHRASE' || key.includes('ENCRYPTED');
    const problem =
      passphrase === undefined && encrypted
        ? 'tls.keyfile: the private key is encrypted; give its passphrase as tls.keyfile_password'
        : passphrase !== undefined
          ? 'tls.keyfile_password: the private key of tls.keyfile does not open with it (wrong passphrase, or not a PEM private key)'
          : 'tls.keyfile: not a PEM private key';
    throw new InvalidArgumentError(problem, { cause: error });
  }
}
