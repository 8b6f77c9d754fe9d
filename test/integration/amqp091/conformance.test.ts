import { beforeAll } from 'vitest';
import { runConformanceSuite } from '../../../src/testing/index.js';
import { requireBroker } from './support.js';

beforeAll(() => requireBroker('127.0.0.1', 5672, 'scripts/rabbitmq/setup.sh'));

// Pub/sub on a topic exchange: each reader gets a server-named queue bound with its topics;
// readers naming one queue share its messages like a consumer group.
runConformanceSuite({
  name: 'amqp-0.9.1 on RabbitMQ (scripts/rabbitmq/setup.sh)',
  service: {
    type: 'amqp-0.9.1',
    brokers: '127.0.0.1:5672',
    type_spec: {
      exchange: 'sinetstream.conformance',
      exchange_type: 'topic',
      queue_arguments: { 'x-expires': 60_000 },
    },
  },
  topicSeparator: '.',
  features: {
    ordering: true,
    persistence: false,
    seek: false,
    consumerGroup: (group) => ({ queue: group }),
    // A named queue outlives its readers and keeps what they did not acknowledge.
    identity: (id) => ({ typeSpec: { queue: id } }),
    // prefetch (default 100): the broker sends no more unacknowledged messages.
    bufferSlack: 0,
    // The message's headers table: long strings and byte arrays.
    headers: 'binary',
    wildcard: (prefix) => `${prefix}.#`,
  },
});
