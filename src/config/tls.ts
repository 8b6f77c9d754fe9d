import type { TlsSettings } from '../spi/types.js';

/** The common `tls` block (with `*_data` already turned into paths) as plugins see it. */
export function toTlsSettings(
  tls: Readonly<Record<string, unknown>> | undefined,
): TlsSettings | undefined {
  if (tls === undefined) return undefined;
  const text = (key: string) => (typeof tls[key] === 'string' ? (tls[key] as string) : undefined);
  const settings: TlsSettings = { checkHostname: tls.check_hostname !== false };
  const caCerts = text('ca_certs');
  const certfile = text('certfile');
  const keyfile = text('keyfile');
  const keyfilePassword = text('keyfile_password');
  const ciphers = text('ciphers');
  if (caCerts !== undefined) settings.caCerts = caCerts;
  if (certfile !== undefined) settings.certfile = certfile;
  if (keyfile !== undefined) settings.keyfile = keyfile;
  if (keyfilePassword !== undefined) settings.keyfilePassword = keyfilePassword;
  if (ciphers !== undefined) settings.ciphers = ciphers;
  return settings;
}
