import { beforeAll } from 'vitest';
import { runConformanceSuite } from '../../../src/testing/index.js';
import { PLAINTEXT, requireKafka } from './helpers.js';

beforeAll(requireKafka);

runConformanceSuite({
  name: 'kafka on Apache Kafka (scripts/kafka/setup.sh)',
  service: { type: 'kafka', brokers: PLAINTEXT },
  features: {
    ordering: true,
    persistence: true,
    seek: true,
    consumerGroup: (group) => ({ group_id: group }),
    identity: (id) => ({ typeSpec: { group_id: id, auto_offset_reset: 'earliest' } }),
    // Fetching pauses at 1000 buffered; a fetch already under way brings up to 1 MiB more.
    bufferBound: 2100,
  },
  quietMs: 2000,
});
