import { beforeAll } from 'vitest';
import { runConformanceSuite } from '../../../src/testing/index.js';
import { requireBroker } from '../amqp091/support.js';

beforeAll(async () => {
  await requireBroker('127.0.0.1', 5682, 'scripts/artemis/setup.sh');
  await requireBroker('127.0.0.1', 5672, 'scripts/rabbitmq/setup.sh');
});

runConformanceSuite({
  name: 'amqp-1.0 on ActiveMQ Artemis (scripts/artemis/setup.sh)',
  service: { type: 'amqp-1.0', brokers: '127.0.0.1:5682', type_spec: { address_type: 'topic' } },
  topicSeparator: '.',
  features: {
    ordering: true,
    persistence: false,
    seek: false,
    identity: (id) => ({ typeSpec: { durable: true, container_id: id } }),
    // The link's credit (prefetch, default 100) is renewed as messages are accepted.
    bufferSlack: 0,
    // Application properties: strings, and binary values for bytes.
    headers: 'binary',
  },
});

runConformanceSuite({
  name: 'amqp-1.0 on RabbitMQ (scripts/rabbitmq/setup.sh)',
  service: {
    type: 'amqp-1.0',
    brokers: 'amqp://127.0.0.1',
    type_spec: { address_prefix: '/topic/', address_type: 'topic' },
  },
  topicSeparator: '.',
  features: {
    ordering: true,
    persistence: false,
    seek: false,
    wildcard: (p) => `${p}.#`,
    identity: {
      unsupported: "RabbitMQ 3.10's AMQP 1.0 plugin ignores durable terminus settings",
    },
    bufferSlack: 0,
    // Application properties: strings, and binary values for bytes.
    headers: 'binary',
  },
});
