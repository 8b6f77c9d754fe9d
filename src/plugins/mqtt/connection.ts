import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { AuthorizationError, ConnectionError, type SinetError } from '../../errors.js';
import { backoffDelay } from '../../spi/backoff.js';
import { classifyError } from '../../spi/errors.js';
import type { CallOptions, Logger } from '../../spi/types.js';
import { BUSY_CODES_V5 } from './errors.js';
import { payloadOf } from './payload.js';
import type { MqttSettings, Server } from './settings.js';
import { tlsOptions } from './tls.js';

/** MQTT 3.x CONNACK return codes (MQTT.js words them with the v5 table, which differs). */
const V3_CONNACK: Readonly<Record<number, string>> = {
  1: 'unacceptable protocol version',
  2: 'client identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
};
const AUTH_CODES_V3 = new Set([4, 5]);
/** MQTT 3.x: server unavailable. */
const BUSY_CODES_V3 = new Set([3]);
/** MQTT 5: bad user name or password, not authorized, banned, bad authentication method. */
const AUTH_CODES_V5 = new Set([134, 135, 138, 140]);

function describeServer(server: Server): string {
  return `${server.protocol}://${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`;
}

/** Turns what MQTT.js reported about a failed first connect into our error, with the broker's reason. */
function failure(
  error: Error | undefined,
  server: Server,
  version: number,
  timeoutMs: number,
): SinetError {
  const where = describeServer(server);
  if (!error) {
    return new ConnectionError(
      `mqtt: ${where} closed the connection without accepting it (or gave no CONNACK within ${timeoutMs} ms): is it an MQTT listener?`,
      { retriable: true },
    );
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number') {
    const reason =
      version === 5
        ? error.message.replace(/^Connection refused: /, '')
        : (V3_CONNACK[code] ?? 'refused');
    const auth = version === 5 ? AUTH_CODES_V5 : AUTH_CODES_V3;
    const busy = version === 5 ? BUSY_CODES_V5 : BUSY_CODES_V3;
    return classifyError({
      what: `mqtt: ${where} refused the connection`,
      error,
      code,
      kind: auth.has(code) ? AuthorizationError : ConnectionError,
      retriable: busy.has(code),
      detail: `${reason} (return code ${code})`,
    });
  }
  // MQTT.js's words for a broker certificate that did not verify.
  if (error.message === 'TLS not authorized') {
    return classifyError({
      what: `mqtt: TLS handshake with ${where} failed`,
      error,
      retriable: false,
    });
  }
  const tls = server.protocol === 'mqtts' || server.protocol === 'wss';
  return classifyError({ what: 'mqtt', error, connecting: { type: 'mqtt', address: where, tls } });
}

/**
 * Nagle's algorithm off on the TCP or TLS socket, at each connect: MQTT.js leaves it on, and
 * then a PUBACK or publish written while an earlier segment is unacknowledged waits for that
 * acknowledgement (about 15 % of a QoS 1 stream's rate on loopback). A WebSocket stream, and
 * a browser's, has no such switch.
 */
function sendAtOnce(client: MqttClient): void {
  (client.stream as Partial<Pick<Socket, 'setNoDelay'>>).setNoDelay?.(true);
}

function attempt(
  options: IClientOptions,
  server: Server,
  signal: AbortSignal | undefined,
  prepare: ((client: MqttClient) => void) | undefined,
): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(options);
    client.on('connect', () => sendAtOnce(client));
    prepare?.(client);
    let error: Error | undefined;
    const onError = (e: Error) => {
      error ??= e;
    };
    const settle = (outcome: Error | undefined) => {
      client.off('error', onError).off('connect', onConnect).off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      if (!outcome) return resolve(client);
      client.end(true);
      reject(outcome);
    };
    const onConnect = () => settle(undefined);
    const onClose = () =>
      settle(failure(error, server, options.protocolVersion ?? 4, options.connectTimeout ?? 0));
    const onAbort = () => settle(signal?.reason as Error);
    client.on('error', onError).on('connect', onConnect).on('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * After the first connect MQTT.js reconnects on its own, waiting `reconnectPeriod` before
 * each attempt and reading it anew for every one: doubling it as each attempt starts, and
 * setting it back on connect, makes paho's min_delay..max_delay backoff. (Reconnecting
 * through our own timer would need `reconnectPeriod: 0`, which MQTT.js takes for "never
 * reconnect": it would stop recording subscriptions to restore and, with a clean session,
 * fail waiting publishes when a keepalive times out.)
 */
function keepReconnecting(client: MqttClient, settings: MqttSettings, logger: Logger): void {
  let failed = 0;
  let lost = false;
  client.options.reconnectPeriod = backoffDelay(settings.reconnect, failed);
  client.on('connect', () => {
    if (lost) logger.info?.(`mqtt: reconnected to ${settings.label}`);
    lost = false;
    failed = 0;
    client.options.reconnectPeriod = backoffDelay(settings.reconnect, failed);
  });
  client.on('reconnect', () => {
    failed++;
    client.options.reconnectPeriod = backoffDelay(settings.reconnect, failed);
  });
  client.on('offline', () => {
    lost = true;
    logger.warn(`mqtt: lost the connection to ${settings.label}; reconnecting`);
  });
  client.on('error', (error) => logger.debug?.(`mqtt: ${settings.label}: ${error.message}`));
}

/**
 * Connects to the first broker that accepts, trying each in turn, and fails instead of
 * retrying forever (MQTT.js's default) when none does. Bad credentials end the search at
 * once: the brokers of one service share them. `prepare` sees the client before it connects.
 */
export async function connectClient(
  settings: MqttSettings,
  logger: Logger,
  options: CallOptions = {},
  prepare?: (client: MqttClient) => void,
): Promise<MqttClient> {
  options.signal?.throwIfAborted();
  const tls = settings.tls ? tlsOptions(settings.tls) : {};
  const will =
    settings.options.will && settings.encodeWill
      ? { ...settings.options.will, payload: payloadOf(await settings.encodeWill()) }
      : settings.options.will;
  const errors: SinetError[] = [];
  for (const [index, server] of settings.servers.entries()) {
    const servers = [...settings.servers.slice(index), ...settings.servers.slice(0, index)];
    // MQTT.js hands options it does not know (ciphers, checkServerIdentity...) to tls.connect.
    const clientOptions = {
      ...settings.options,
      ...(will ? { will } : {}),
      ...tls,
      host: server.host,
      port: server.port,
      protocol: server.protocol,
      servers,
      wsOptions: {
        ...tls,
        ...(settings.websocketHeaders ? { headers: settings.websocketHeaders } : {}),
      },
      reconnectPeriod: 0,
    } as IClientOptions;
    try {
      const client = await attempt(clientOptions, server, options.signal, prepare);
      keepReconnecting(client, settings, logger);
      return client;
    } catch (error) {
      if (!(error instanceof ConnectionError) || settings.servers.length === 1) throw error;
      errors.push(error);
    }
  }
  throw new ConnectionError(
    `mqtt: no broker accepted the connection: ${errors.map((e) => e.message).join('; ')}`,
    {
      cause: errors.at(-1),
      code: errors.at(-1)?.code,
      retriable: errors.some((e) => e.retriable),
    },
  );
}
