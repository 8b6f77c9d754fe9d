import amqp, { type Channel, type ChannelModel, type Options } from 'amqplib';
import {
  AuthorizationError,
  ConnectionError,
  InvalidArgumentError,
  type SinetError,
} from '../../errors.js';
import {
  type BackoffSettings,
  backoffDelay,
  DEFAULT_RECONNECT_BACKOFF,
  reconnectBackoff,
  sleep,
} from '../../spi/backoff.js';
import { parseBroker } from '../../spi/brokers.js';
import { type ConnectTarget, classifyError, type SinetErrorClass } from '../../spi/errors.js';
import { nodeTlsOptions } from '../../spi/tls.js';
import type { PluginContext } from '../../spi/types.js';
import type { Amqp091Params } from './parameters.js';

interface Endpoint {
  /** For messages: never carries the password. */
  label: string;
  url: Options.Connect;
  socket: Record<string, unknown>;
}

export interface ConnectionSettings {
  endpoints: Endpoint[];
  reconnect: BackoffSettings | undefined;
}

/** Brokers, credentials, vhost and TLS of a service, as amqplib wants them. */
export function connectionSettings(context: PluginContext, p: Amqp091Params): ConnectionSettings {
  const { vhost, username, heartbeat, server_name: serverName } = p;
  const password = p.password?.revealText() ?? 'guest';
  const timeout = p.connect_timeout_ms;
  const tls = context.tls;
  const protocol = tls ? 'amqps' : 'amqp';
  if (context.brokers.length === 0) {
    throw new InvalidArgumentError(`${context.service}: brokers: at least one broker is needed`);
  }
  const endpoints = context.brokers.map((broker) => {
    const { host, port } = parseBroker(broker, tls ? 5671 : 5672);
    const socket: Record<string, unknown> = {
      timeout,
      noDelay: true,
      clientProperties: { connection_name: context.clientId },
      ...(tls ? nodeTlsOptions(tls, host, serverName) : {}),
    };
    return {
      label: `${protocol}://${username}@${host}:${port}${vhost === '/' ? '/' : `/${vhost}`}`,
      url: { protocol, hostname: host, port, username, password, vhost, heartbeat },
      socket,
    };
  });
  return { endpoints, reconnect: reconnectBackoff(p.reconnect, DEFAULT_RECONNECT_BACKOFF) };
}

/** RabbitMQ's 403 ACCESS_REFUSED and 530 NOT_ALLOWED (vhost) mean "not allowed", not "down". */
const REFUSED_CODES = new Set([403, 530]);
/**
 * The reply codes that may pass: 320 CONNECTION_FORCED (a broker shutting down), 405
 * RESOURCE_LOCKED (an exclusive queue another connection still holds), 506 RESOURCE_ERROR.
 */
const PASSING_CODES = new Set([320, 405, 506]);

/**
 * amqplib sets the reply code on a closed channel or connection; a handshake the server ends
 * (a refused login) has it only in its message.
 */
function replyCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'number') return code;
  const words = error instanceof Error ? error.message : '';
  const handshake = /^Handshake terminated by server: (\d{3}) /.exec(words);
  return handshake ? Number(handshake[1]) : undefined;
}

/** Our error for an amqplib failure; `fallback` is the operation's own class. */
export function toSinetError(
  error: unknown,
  what: string,
  fallback: SinetErrorClass = ConnectionError,
  connecting?: ConnectTarget,
): SinetError {
  const code = replyCode(error);
  return classifyError({
    what,
    error,
    connecting,
    code,
    kind: code !== undefined && REFUSED_CODES.has(code) ? AuthorizationError : undefined,
    retriable: code === undefined ? undefined : PASSING_CODES.has(code),
    fallback,
  });
}

export type ChannelSetup = (channel: Channel) => Promise<void>;

/**
 * One connection with one channel. When the channel fails (a server error such as 404) a new
 * one is opened on the same connection; when the connection fails it is re-established with
 * exponential backoff, trying each broker in turn, unless `reconnect: false`. `setup` runs on
 * every new channel (declarations, consumers).
 */
export class Amqp091Connection {
  #model: ChannelModel | undefined;
  #channel: Channel | undefined;
  #recovering: Promise<void> | undefined;
  #failure: SinetError | undefined;
  #lastChannelError: Error | undefined;
  readonly #channelErrors = new WeakMap<Channel, Error>();
  readonly #closing = new AbortController();

  constructor(
    private readonly context: PluginContext,
    private readonly settings: ConnectionSettings,
    private readonly confirm: boolean,
    private readonly setup: ChannelSetup,
    private readonly onFailure: (error: SinetError) => void = () => {},
  ) {}

  /** The server error that closed `channel`; none when it went down with the connection. */
  channelError(channel: Channel): Error | undefined {
    return this.#channelErrors.get(channel);
  }

  /** False while the connection is being recovered. */
  get ready(): boolean {
    return this.#channel !== undefined;
  }

  async open(signal?: AbortSignal): Promise<void> {
    await this.#connect(signal);
  }

  /** The channel when one is up, without waiting: publishing's fast path. */
  get current(): Channel | undefined {
    return this.#channel;
  }

  /** The current channel; while recovering, the next one. */
  async channel(): Promise<Channel> {
    while (!this.#channel) {
      if (this.#failure) throw this.#failure;
      if (this.#closing.signal.aborted)
        throw new ConnectionError(`${this.context.service}: closed`);
      await this.#recovering;
    }
    return this.#channel;
  }

  async close(): Promise<void> {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort();
    const model = this.#model;
    const channel = this.#channel;
    this.#model = undefined;
    this.#channel = undefined;
    // Channel first: its close-ok comes after the broker has taken every publish on it,
    // whereas a connection close may overtake frames still queued on the channel.
    await channel?.close().catch(() => {});
    await model?.close().catch(() => {});
  }

  async #connect(signal?: AbortSignal): Promise<void> {
    let lastError: unknown;
    for (const endpoint of this.settings.endpoints) {
      signal?.throwIfAborted();
      let model: ChannelModel | undefined;
      try {
        model = await amqp.connect(endpoint.url, endpoint.socket);
        const current = model;
        model.on('error', () => {}); // 'close' follows with the same error
        model.on('close', (error?: Error) => this.#lost(current, error));
        model.on('blocked', (reason: string) =>
          this.context.logger.warn(`${this.context.service}: broker blocked publishing: ${reason}`),
        );
        this.#model = model;
        await this.#openChannel(model);
        return;
      } catch (error) {
        if (model === this.#model) this.#model = undefined;
        await model?.close().catch(() => {});
        lastError = toSinetError(error, this.context.service, ConnectionError, {
          type: 'amqp-0.9.1',
          address: endpoint.label,
          tls: endpoint.label.startsWith('amqps:'),
        });
        // Refused credentials will be refused by the next broker too.
        if (lastError instanceof AuthorizationError) break;
      }
    }
    throw lastError;
  }

  async #openChannel(model: ChannelModel): Promise<void> {
    const channel = this.confirm ? await model.createConfirmChannel() : await model.createChannel();
    channel.on('error', (error: Error) => {
      this.#lastChannelError = error;
      this.#channelErrors.set(channel, error);
    });
    channel.on('close', () => this.#lost(model, undefined, channel));
    await this.setup(channel);
    if (this.#closing.signal.aborted) {
      await channel.close().catch(() => {});
      return;
    }
    this.#channel = channel;
  }

  #lost(model: ChannelModel, error: Error | undefined, channel?: Channel): void {
    if (this.#closing.signal.aborted || model !== this.#model) return;
    if (channel && channel !== this.#channel) return;
    const connectionLost = !channel;
    if (connectionLost) this.#model = undefined;
    this.#channel = undefined;
    if (this.#recovering) return;
    this.#recovering = this.#recover(connectionLost, error ?? this.#lastChannelError).finally(
      () => {
        this.#recovering = undefined;
      },
    );
  }

  async #recover(connectionLost: boolean, error: Error | undefined): Promise<void> {
    const model = this.#model;
    if (!connectionLost && model) {
      try {
        await this.#openChannel(model);
        return;
      } catch {
        // The connection is unusable too: reconnect below.
        this.#model = undefined;
        await model.close().catch(() => {});
      }
    }
    const reconnect = this.settings.reconnect;
    const reason = `${this.context.service}: connection lost: ${error?.message ?? 'closed'}`;
    if (!reconnect) {
      return this.#fail(new ConnectionError(reason, { cause: error, retriable: true }));
    }
    this.context.logger.warn(`${reason}; reconnecting`);
    for (let attempt = 0; !this.#closing.signal.aborted; attempt++) {
      await sleep(backoffDelay(reconnect, attempt), this.#closing.signal);
      if (this.#closing.signal.aborted) return;
      try {
        await this.#connect(this.#closing.signal);
        this.context.logger.info?.(`${this.context.service}: reconnected`);
        return;
      } catch (failure) {
        if (failure instanceof AuthorizationError) return this.#fail(failure);
        this.context.logger.debug?.(`${this.context.service}: reconnect failed: ${failure}`);
      }
    }
  }

  #fail(error: SinetError): void {
    this.#failure = error;
    this.onFailure(error);
  }
}
