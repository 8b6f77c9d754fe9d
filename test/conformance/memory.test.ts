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
    bufferSlack: { unsupported: "the broker is in the reader's process: its log is the buffer" },
    headers: 'binary',
  },
  quietMs: 300,
});
