import { runConformanceSuite } from '../../src/testing/index.js';

runConformanceSuite({
  name: 'memory',
  service: { type: 'memory', brokers: 'conformance' },
  features: {
    ordering: true,
    persistence: true,
    seek: true,
    consumerGroup: (group) => ({ group_id: group }),
  },
  quietMs: 300,
});
