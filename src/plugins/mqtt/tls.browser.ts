/**
 * MQTT over wss:// in the browser: the browser opens the TLS connection itself, with the CAs
 * it trusts and the client certificates the user installed, and takes no settings for it.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { TlsSpec } from './tls.js';

export { type TlsSpec, tlsSpec } from './tls.js';

/** No options to give; a setting the browser cannot honour is an error, not ignored. */
export function tlsOptions(spec: TlsSpec): Record<string, never> {
  const given = [
    spec.ca && 'ca_certs',
    spec.cert && 'certfile',
    spec.key && 'keyfile',
    spec.keyPassword && 'keyfile_password',
    spec.ciphers !== undefined && 'ciphers',
    spec.tlsVersion !== undefined && 'tls_version',
    !spec.verify && 'cert_reqs',
    !spec.checkHostname && 'tls_insecure / check_hostname',
  ].filter((name): name is string => typeof name === 'string');
  if (given.length > 0) {
    throw new InvalidArgumentError(
      `mqtt: tls ${given.join(', ')} (or its _data form) cannot be used in a browser: the browser ` +
        'makes the TLS connection itself, with the CAs it trusts and the client certificates ' +
        'installed in it. Remove these keys and keep tls: true (wss://)',
    );
  }
  return {};
}
