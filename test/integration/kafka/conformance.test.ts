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
    // Fetching pauses at max_unacked_messages; a fetch already under way brings up to 1 MiB
    // more (about 1000 of the suite's 1 KiB messages).
    bufferSlack: 1100,
    // Record headers: bytes, which the reader hands over as bytes.
    headers: 'binary',
  },
  quietMs: 2000,
});
