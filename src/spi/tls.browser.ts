import type { TlsSettings } from './types.js';

/** A browser makes its own TLS connections: there are no Node TLS options to give. */
export function nodeTlsOptions(_tls: TlsSettings, _host?: string, _serverName?: string): never {
  throw new Error('Node TLS options do not exist in a browser, which does its own TLS');
}
