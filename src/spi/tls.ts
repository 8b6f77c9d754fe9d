import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
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
