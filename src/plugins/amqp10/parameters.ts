import { RECONNECT_PARAMETER } from '../../spi/backoff.js';
import type { ParamDeclarations, ParamValues } from '../../spi/parameters.js';

export const ADDRESS_TYPES = ['queue', 'topic'] as const;

/** Every `type_spec` key of `type: amqp-1.0`; docs/amqp.md shows this table. */
export const AMQP10_PARAMETERS = {
  username: { type: 'string', description: 'SASL user name (never in a broker URL)' },
  password: { type: 'secret', description: 'SASL password (never in a broker URL)' },
  sasl_mechanisms: {
    type: 'strings',
    defaultText: 'PLAIN with a password, else ANONYMOUS (+ EXTERNAL with a client certificate)',
    description: 'mechanisms allowed: ANONYMOUS, PLAIN, EXTERNAL, XOAUTH2',
  },
  sasl: { type: 'boolean', default: true, description: '`false`: no SASL layer' },
  address_prefix: {
    type: 'string',
    default: '',
    description: 'put before the topic: RabbitMQ 3.x wants `/queue/` or `/topic/`',
  },
  address_type: {
    type: { oneOf: ADDRESS_TYPES },
    default: 'queue',
    description:
      'terminus capability: `queue` (one reader per message) or `topic` (every subscriber)',
  },
  durable: {
    type: 'boolean',
    role: 'reader',
    default: false,
    description: 'durable subscription (container id + link name); close detaches, keeping it',
  },
  subscription_name: {
    type: 'string',
    role: 'reader',
    defaultText: 'the topic',
    description: 'link name of the durable subscription',
  },
  container_id: { type: 'string', defaultText: 'the client id', description: 'AMQP container id' },
  prefetch: {
    type: 'number',
    role: 'reader',
    twin: 'max_unacked_messages',
    defaultText: '`max_unacked_messages`',
    description: 'link credit: messages waiting for the user, renewed as the user takes them',
  },
  hostname: { type: 'string', description: 'AMQP open hostname (RabbitMQ: `vhost:NAME`)' },
  idle_time_out_ms: { type: 'number', description: 'idle time-out asked of the broker' },
  server_name: {
    type: 'string',
    defaultText: 'the broker host',
    description: 'TLS server name to check',
  },
  reconnect: {
    ...RECONNECT_PARAMETER,
    defaultText: 'on: 100 ms doubling to 10 s, over the broker list',
  },
} as const satisfies ParamDeclarations;

export type Amqp10Params = ParamValues<typeof AMQP10_PARAMETERS>;
