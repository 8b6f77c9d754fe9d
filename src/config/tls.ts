import type { ParamDeclarations, ParamValues } from '../spi/parameters.js';
import { readParameters } from '../spi/read-parameters.js';
import type { Logger, TlsSettings } from '../spi/types.js';

/** The common `tls` block, as every SINETStream reads it. */
export const TLS_PARAMETERS = {
  ca_certs: { type: 'file', description: 'CA certificates (PEM) the server must chain to' },
  certfile: { type: 'file', description: 'client certificate (PEM)' },
  keyfile: { type: 'file', description: 'private key of the client certificate (PEM)' },
  keyfile_password: { type: 'secret', description: 'passphrase of `keyfile`' },
  ciphers: { type: 'string', description: 'OpenSSL cipher list' },
  check_hostname: {
    type: 'boolean',
    default: true,
    description: 'check that the server certificate names the host',
  },
} as const satisfies ParamDeclarations;

/** The `tls` block with its files read (once: clients get the bytes, never a path). */
export async function loadTlsSettings(
  block: Readonly<Record<string, unknown>>,
  where: string,
  logger: Logger,
): Promise<TlsSettings> {
  const tls = (await readParameters(TLS_PARAMETERS, block, {
    role: 'both',
    where,
    type: 'tls',
    prefix: 'tls.',
    logger,
  })) as ParamValues<typeof TLS_PARAMETERS>;
  return {
    checkHostname: tls.check_hostname,
    ...(tls.ca_certs && { ca: tls.ca_certs }),
    ...(tls.certfile && { cert: tls.certfile }),
    ...(tls.keyfile && { key: tls.keyfile }),
    ...(tls.keyfile_password && { keyPassword: tls.keyfile_password }),
    ...(tls.ciphers !== undefined && { ciphers: tls.ciphers }),
  };
}
