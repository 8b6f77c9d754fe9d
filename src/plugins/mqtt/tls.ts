import type { ConnectionOptions } from 'node:tls';
import { nodeTlsOptions } from '../../spi/tls.js';
import type { TlsSettings } from '../../spi/types.js';
import type { MqttParams } from './parameters.js';

/** The common TLS settings with paho's `tls` block over them. */
export interface TlsSpec extends TlsSettings {
  /** `tls_version` as paho spells it, e.g. PROTOCOL_TLSv1_2; PROTOCOL_TLS* let Node choose. */
  readonly tlsVersion?: string;
  /** False for paho's `cert_reqs: CERT_NONE`: the server certificate is not checked at all. */
  readonly verify: boolean;
}

const TLS_VERSIONS: Readonly<Record<string, ConnectionOptions['minVersion']>> = {
  PROTOCOL_TLSv1: 'TLSv1',
  PROTOCOL_TLSv1_1: 'TLSv1.1',
  PROTOCOL_TLSv1_2: 'TLSv1.2',
};

/**
 * The common `tls` block, overridden by the MQTT `tls` / `tls_set` block (paho's names) and
 * `tls_insecure` / `tls_insecure_set`. Undefined when none of them turns TLS on.
 */
export function tlsSpec(common: TlsSettings | undefined, p: MqttParams): TlsSpec | undefined {
  const block = p.tls === true ? undefined : p.tls;
  if (!common && p.tls === undefined) return undefined;
  const insecure = typeof p.tls_insecure === 'object' ? p.tls_insecure.value : p.tls_insecure;
  const ca = block?.ca_certs ?? common?.ca;
  const cert = block?.certfile ?? common?.cert;
  const key = block?.keyfile ?? common?.key;
  const keyPassword = block?.keyfile_password ?? common?.keyPassword;
  const ciphers = block?.ciphers ?? common?.ciphers;
  return {
    checkHostname: insecure === undefined ? (common?.checkHostname ?? true) : !insecure,
    verify: block?.cert_reqs !== 'CERT_NONE',
    ...(ca && { ca }),
    ...(cert && { cert }),
    ...(key && { key }),
    ...(keyPassword && { keyPassword }),
    ...(ciphers !== undefined && { ciphers }),
    ...(block?.tls_version !== undefined && { tlsVersion: block.tls_version }),
  };
}

/** Node TLS options for the spec. */
export function tlsOptions(spec: TlsSpec): ConnectionOptions {
  const version = spec.tlsVersion === undefined ? undefined : TLS_VERSIONS[spec.tlsVersion];
  return {
    ...nodeTlsOptions(spec),
    ...(version ? { minVersion: version, maxVersion: version } : {}),
    rejectUnauthorized: spec.verify,
  };
}
