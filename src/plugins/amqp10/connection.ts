import net from 'node:net';
import tls from 'node:tls';
import rhea, {
  type Connection,
  type ConnectionOptions,
  type EventContext,
  type Receiver,
  type Sender,
} from 'rhea';
import {
  AuthorizationError,
  ConnectionError,
  InvalidArgumentError,
  type SinetError,
} from '../../errors.js';
import { DEFAULT_RECONNECT_BACKOFF, reconnectBackoff } from '../../spi/backoff.js';
import { parseBroker } from '../../spi/brokers.js';
import { type ConnectTarget, classifyError, type SinetErrorClass } from '../../spi/errors.js';
import { tuneSocket } from '../../spi/socket.js';
import { nodeTlsOptions } from '../../spi/tls.js';
import type { PluginContext } from '../../spi/types.js';
import type { Amqp10Params } from './parameters.js';
import { isForcedClose, Reconnector } from './reconnect.js';
import { containerId } from './terminus.js';

interface Endpoint {
  host: string;
  port: number;
  tls: boolean;
}

/** `host`, `host:port`, `amqp://host[:port]` or `amqps://host[:port]` (5672 / 5671 by default). */
export function parseEndpoint(broker: string, context: PluginContext): Endpoint {
  const url = /^(amqps?):\/\//i.exec(broker.trim());
  if (!url) {
    const tls = context.tls !== undefined;
    return { ...parseBroker(broker, tls ? 5671 : 5672), tls };
  }
  const parsed = new URL(broker.trim());
  if (parsed.username || parsed.password) {
    // Credentials in a URL end up in logs; they belong in type_spec.
    throw new InvalidArgumentError(
      `${context.service}: brokers: put the user and password of ${parsed.host} in type_spec.username / password`,
    );
  }
  const tls = url[1]!.toLowerCase() === 'amqps';
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: parsed.port ? Number(parsed.port) : tls ? 5671 : 5672, tls };
}

const MECHANISMS = ['ANONYMOUS', 'PLAIN', 'EXTERNAL', 'XOAUTH2'] as const;

/**
 * The SASL mechanisms the client may use. `sasl_mechanisms` restricts them (the broker's
 * preference among those decides); by default PLAIN with a user and password, ANONYMOUS
 * without, plus EXTERNAL when a client certificate is given. `sasl: false` skips SASL.
 */
function saslOptions(context: PluginContext, p: Amqp10Params): Partial<ConnectionOptions> {
  if (!p.sasl) return {};
  const username = p.username;
  const password = p.password?.revealText();
  const allowed = p.sasl_mechanisms?.map((m) => m.toUpperCase()) ?? [
    username && password ? 'PLAIN' : 'ANONYMOUS',
    ...(context.tls?.cert ? ['EXTERNAL'] : []),
  ];
  const mechanisms = rhea.sasl.client_mechanisms();
  for (const name of allowed) {
    if (!(MECHANISMS as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(
        `${context.service}: type_spec.sasl_mechanisms: "${name}" is not one of ${MECHANISMS.join(', ')}`,
      );
    }
    if ((name === 'PLAIN' || name === 'XOAUTH2') && !(username && password)) {
      throw new InvalidArgumentError(
        `${context.service}: type_spec.sasl_mechanisms: ${name} needs username and password`,
      );
    }
    if (name === 'ANONYMOUS') mechanisms.enable_anonymous(username ?? 'anonymous');
    if (name === 'PLAIN') mechanisms.enable_plain(username!, password!);
    if (name === 'EXTERNAL') mechanisms.enable_external();
    if (name === 'XOAUTH2') mechanisms.enable_xoauth2(username!, password!);
  }
  return { sasl_mechanisms: mechanisms } as Partial<ConnectionOptions>;
}

/** How long close() waits for the broker's answer before it lets the connection go. */
const CLOSE_WAIT_MS = 5_000;

export interface OpenedConnection {
  connection: Connection;
  label: string;
  /** In a 'disconnected' listener: whether the connection will be brought back. */
  reconnecting(): boolean;
  /** Closes, calling off any reconnect to come; resolves once the broker has closed too. */
  close(): Promise<void>;
}

/**
 * Connects to the first broker that answers, trying them in turn; once open, it reconnects
 * (exponential backoff, default up to 10 s, over the same list) and rhea re-attaches the
 * links, unless `reconnect: false`. A lost connection is warned about once
 * ("...; reconnecting"); failed attempts go to debug.
 */
export async function openConnection(
  context: PluginContext,
  params: Amqp10Params,
  signal?: AbortSignal,
): Promise<OpenedConnection> {
  if (context.brokers.length === 0) {
    throw new InvalidArgumentError(`${context.service}: brokers: at least one broker is needed`);
  }
  const endpoints = context.brokers.map((b) => parseEndpoint(b, context));
  const serverName = params.server_name;
  const reconnect = reconnectBackoff(params.reconnect, DEFAULT_RECONNECT_BACKOFF);
  let attempt = 0;
  let current = endpoints[0]!;
  // Kept so that close() can drop an attempt under way.
  let socket: net.Socket | undefined;
  const details = () => {
    const endpoint = endpoints[attempt++ % endpoints.length]!;
    current = endpoint;
    const { host, port } = endpoint;
    const options = endpoint.tls
      ? { host, port, ...nodeTlsOptions(context.tls ?? { checkHostname: true }, host, serverName) }
      : { host, port };
    const connect = (_port: number, _host: string, _options: unknown, done: () => void) => {
      // rhea turns Nagle off only on a connection that opens a receiver, and only on its
      // first socket: a writer's transfers would wait for the broker's delayed ACK.
      socket = tuneSocket(endpoint.tls ? tls.connect(options, done) : net.connect(options, done));
      return socket;
    };
    return { host, port, connect, options };
  };
  const container = rhea.create_container({ id: containerId(context, params) });
  const idle = params.idle_time_out_ms;
  const connection = container.connect({
    ...saslOptions(context, params),
    hostname: params.hostname,
    ...(idle !== undefined ? { idle_time_out: idle } : {}),
    connection_details: details,
    reconnect: false,
    properties: { connection_name: context.clientId },
  } as ConnectionOptions);
  const reconnector = new Reconnector(connection, reconnect);
  const close = async () => {
    reconnector.stop();
    if (!connection.is_open()) {
      socket?.destroy();
      return;
    }
    // The broker drops the links' consumers when it closes: a reader opened right after with
    // the same identity (a durable subscription takes one consumer) finds them gone.
    const closed = new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, CLOSE_WAIT_MS);
      connection.once('connection_close', done);
      connection.once('disconnected', done);
    });
    connection.close();
    await closed;
  };
  const label = () => `amqp${current.tls ? 's' : ''}://${current.host}:${current.port}`;
  try {
    await new Promise<void>((resolve, reject) => {
      let failures = 0;
      const errorOf = (ctx: EventContext) =>
        toSinetError(ctx.error ?? connection.error, context.service, ConnectionError, {
          type: 'amqp-1.0',
          address: label(),
          tls: current.tls,
        });
      const settle = (error?: SinetError) => {
        connection.removeListener('connection_open', onOpen);
        connection.removeListener('disconnected', onDown);
        connection.removeListener('connection_error', onRefused);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onOpen = () => settle();
      const onDown = (ctx: EventContext) => {
        if (++failures >= endpoints.length) settle(errorOf(ctx));
        // Without reconnect the list is still tried once, each broker in turn.
        else if (!reconnector.pending) reconnector.attemptNow();
      };
      // A broker that answers and refuses (credentials, a resource limit) ends the open: rhea
      // closes the connection, and no 'disconnected' follows but after a forced close.
      const onRefused = (ctx: EventContext) => {
        if (!isForcedClose(ctx.error)) settle(errorOf(ctx));
      };
      const onAbort = () =>
        settle(new ConnectionError(`${context.service}: open aborted`, { cause: signal?.reason }));
      connection.once('connection_open', onOpen);
      connection.on('disconnected', onDown);
      connection.on('connection_error', onRefused);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  } catch (error) {
    await close();
    throw error;
  }
  connection.on('connection_error', (ctx: EventContext) =>
    context.logger.warn(
      `${context.service}: ${label()}: ${describe(ctx.error ?? connection.error)}`,
    ),
  );
  // A frame rhea cannot take (a transfer after its link's detach, which RabbitMQ 3.10 sends
  // when a reader closes mid-flow) comes as one of these events, and so does a session the
  // broker ends with an error (its links are gone); rhea then ends the socket and
  // 'disconnected' carries the error, so the connection and its links come back or the
  // reader and writer fail. Unheard, 'error' would be thrown from the socket's data handler,
  // and 'protocol_error' printed with the frame's bytes (message bodies) to stderr.
  for (const event of ['error', 'protocol_error']) {
    connection.on(event, (error: unknown) =>
      context.logger.debug?.(`${context.service}: ${label()}: ${describe(error)}`),
    );
  }
  let up = true;
  connection.on('connection_open', () => {
    if (!up) context.logger.info?.(`${context.service}: reconnected to ${label()}`);
    up = true;
  });
  connection.on('disconnected', (ctx: EventContext) => {
    const what = `${context.service}: ${up ? 'connection lost' : 'reconnect failed'}`;
    const message = `${what}: ${label()}: ${describe(ctx.error ?? 'closed')}`;
    const next = reconnector.pending ? '; reconnecting' : '';
    if (up) context.logger.warn(message + next);
    else context.logger.debug?.(message);
    up = false;
  });
  return { connection, label: label(), reconnecting: () => reconnector.pending, close };
}

export function describe(error: unknown): string {
  if (!error) return 'unknown error';
  // rhea's errors carry the AMQP condition (amqp:unauthorized-access...) beside the text.
  const { condition, description } = error as { condition?: string; description?: string };
  const text = description ?? (error instanceof Error ? error.message : undefined);
  if (condition || text) return [condition, text].filter(Boolean).join(': ');
  return String(error);
}

/** AMQP conditions by which a peer says "not now": a broker shutting down, or short of resources. */
const PASSING_CONDITIONS = new Set([
  'amqp:connection:forced',
  'amqp:resource-limit-exceeded',
  'amqp:resource-locked',
]);

/** Properties of rhea's errors that lead back to the client, and through it to the password. */
const CLIENT_KEYS = ['connection', 'session', 'link'];

/**
 * rhea's errors keep their connection, session or link, and through its SASL mechanism the
 * password: what becomes a cause is a copy without them (and so without the rest of the client).
 */
export function detached(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  if (!CLIENT_KEYS.some((key) => Object.hasOwn(error, key))) return error;
  const fields = Object.fromEntries(
    Object.entries(error).filter(([key]) => !CLIENT_KEYS.includes(key)),
  );
  if (!(error instanceof Error)) return fields;
  const copy = new Error(
    error.message,
    error.cause === undefined ? undefined : { cause: detached(error.cause) },
  );
  copy.name = error.name;
  copy.stack = error.stack;
  return Object.assign(copy, fields);
}

/** amqp:unauthorized-access (SASL refusal, link refusal) means "not allowed", not "down". */
export function toSinetError(
  error: unknown,
  what: string,
  fallback: SinetErrorClass = ConnectionError,
  connecting?: ConnectTarget,
): SinetError {
  const { condition, description } = (error ?? {}) as {
    condition?: unknown;
    description?: unknown;
  };
  const code = typeof condition === 'string' ? condition : undefined;
  const said = describe(error);
  return classifyError({
    what,
    error: detached(error),
    connecting,
    code,
    kind: /unauthorized|authentication|sasl|forbidden|security/i.test(said)
      ? AuthorizationError
      : undefined,
    retriable: code === undefined ? undefined : PASSING_CONDITIONS.has(code),
    fallback,
    // A remote error is a plain {condition, description}: no message for the classifier.
    detail: code !== undefined || typeof description === 'string' ? said : undefined,
  });
}

/** Resolves once the broker has attached `link`; rejects when it refuses it. */
export function attached(
  link: Sender | Receiver,
  kind: 'sender' | 'receiver',
  service: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const refuse = (ctx: EventContext) => {
      link.removeListener(`${kind}_open`, resolve);
      const error = (kind === 'sender' ? ctx.sender : ctx.receiver)?.error;
      reject(toSinetError(error, `${service}: the broker refused the ${kind} for "${link.name}"`));
    };
    link.once(`${kind}_open`, () => {
      link.removeListener(`${kind}_error`, refuse);
      link.removeListener(`${kind}_close`, refuse);
      resolve();
    });
    link.once(`${kind}_error`, refuse);
    link.once(`${kind}_close`, refuse);
  });
}
