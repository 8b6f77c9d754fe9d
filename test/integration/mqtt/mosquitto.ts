import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isListening } from '../../support/net.js';

/** Where scripts/mosquitto/setup.sh puts its files (and the certificates it generates). */
export const MOSQUITTO_DIR = join(
  process.env.SINETSTREAM_BROKERS_DIR ?? resolve(import.meta.dirname, '../../../.brokers'),
  'mosquitto',
);
export const CERTS = {
  ca: join(MOSQUITTO_DIR, 'certs/ca.crt'),
  clientCert: join(MOSQUITTO_DIR, 'certs/client.crt'),
  clientKey: join(MOSQUITTO_DIR, 'certs/client.key'),
};
/** The listeners setup.sh opens on 127.0.0.1. */
export const PORTS = {
  tcp: 1883,
  password: 1884,
  tls: 8883,
  clientCert: 8884,
  ws: 9001,
  wss: 9002,
};
/** The test-only account setup.sh creates; `denied/#` is off limits to it. */
export const USER = { username: 'sinetstream', password: 'sinetstream-test' };

/** Fails (never skips) when the Mosquitto of setup.sh is not there. */
export async function requireMosquitto(): Promise<void> {
  const missing: number[] = [];
  for (const port of Object.values(PORTS)) if (!(await isListening(port))) missing.push(port);
  if (missing.length > 0 || !existsSync(CERTS.clientKey)) {
    throw new Error(
      `Mosquitto is not running on 127.0.0.1 (ports ${missing.join(', ') || 'ok'}; certificates in ${MOSQUITTO_DIR}): run scripts/mosquitto/setup.sh first`,
    );
  }
}
