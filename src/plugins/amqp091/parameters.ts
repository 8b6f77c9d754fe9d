import { RECONNECT_PARAMETER } from '../../spi/backoff.js';
import type { ParamDeclarations, ParamValues } from '../../spi/parameters.js';

export const EXCHANGE_TYPES = ['direct', 'fanout', 'topic', 'headers'] as const;

/** Every `type_spec` key of `type: amqp-0.9.1`; docs/amqp.md shows this table. */
export const AMQP091_PARAMETERS = {
  vhost: { type: 'string', default: '/', description: 'virtual host' },
  username: { type: 'string', default: 'guest', description: 'user name' },
  password: { type: 'secret', defaultText: '`guest`', description: 'password' },
  exchange: {
    type: 'string',
    default: '',
    description: 'exchange to publish to and bind to; `""` is the default exchange',
  },
  exchange_type: {
    type: { oneOf: EXCHANGE_TYPES },
    default: 'direct',
    description: '`topic` matches `*` (one word) and `#` (any)',
  },
  exchange_declare: {
    type: 'boolean',
    defaultText: 'true when `exchange` is named',
    description: 'declare the exchange',
  },
  exchange_durable: {
    type: 'boolean',
    default: true,
    description: 'the exchange survives a broker restart',
  },
  queue: {
    type: 'string',
    role: 'reader',
    defaultText: 'the topic (default exchange), else server-named',
    description: 'the queue to consume; readers naming one queue share its messages',
  },
  queue_declare: {
    type: 'boolean',
    default: true,
    description:
      "`false`: use an existing queue (needs no configure permission); a writer to the default exchange declares the topic's queue",
  },
  queue_durable: {
    type: 'boolean',
    defaultText: 'true for a named queue',
    description: 'the queue survives a broker restart',
  },
  queue_exclusive: {
    type: 'boolean',
    defaultText: 'true for a server-named queue',
    description: 'only this connection may use the queue',
  },
  queue_auto_delete: {
    type: 'boolean',
    defaultText: 'true for a server-named queue',
    description: 'the queue goes when its last consumer does',
  },
  queue_arguments: {
    type: 'mapping',
    description: 'e.g. `{ x-expires: 60000, x-queue-type: quorum }`',
  },
  bind: {
    type: 'boolean',
    role: 'reader',
    defaultText: 'true with a named exchange',
    description: 'bind the queue with each topic as key (fanout: once)',
  },
  prefetch: {
    type: 'number',
    role: 'reader',
    twin: 'max_unacked_messages',
    defaultText: '`max_unacked_messages`',
    description: 'unacknowledged messages a reader may hold (AT_LEAST_ONCE)',
  },
  persistent: {
    type: 'boolean',
    role: 'writer',
    defaultText: 'true unless AT_MOST_ONCE',
    description: 'delivery mode 2: the broker writes the message to disk',
  },
  mandatory: {
    type: 'boolean',
    role: 'writer',
    default: false,
    description: 'an unroutable message rejects its publish (with confirms)',
  },
  heartbeat: { type: 'number', defaultText: "the broker's", description: 'heartbeat in seconds' },
  connect_timeout_ms: { type: 'number', default: 10_000, description: 'connection timeout' },
  server_name: {
    type: 'string',
    defaultText: 'the broker host',
    description: 'TLS server name to check',
  },
  reconnect: { ...RECONNECT_PARAMETER, defaultText: 'on: 100 ms doubling to 10 s' },
} as const satisfies ParamDeclarations;

export type Amqp091Params = ParamValues<typeof AMQP091_PARAMETERS>;
