import { runConformanceSuite } from '../../src/testing/index.js';

runConformanceSuite({
  name: 'memory',
  service: { type: 'memory', brokers: 'conformance' },
  features: {
    ordering: true,
    persistence: true,
    seek: true,
    consumerGroup: (group) => ({ group_id: group }),
    identity: { unsupported: 'the memory broker lives in its process and dies with it' },
    bufferSlack: 0,
    headers: 'binary',
  },
  quietMs: 300,
});
