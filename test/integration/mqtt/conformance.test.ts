import { afterAll, beforeAll } from 'vitest';
import { startEmbeddedBroker } from '../../../src/plugins/mqtt/embedded-broker.js';
import { runConformanceSuite } from '../../../src/testing/index.js';
import { PORTS, requireMosquitto } from './mosquitto.js';

beforeAll(requireMosquitto);

const features = {
  ordering: true,
  persistence: false,
  seek: false,
  wildcard: (prefix: string) => `${prefix}/#`,
  // A persistent session (MQTT 5: one that outlives the connection) under a fixed client id.
  identity: (id: string) => ({
    clientId: id,
    typeSpec: { clean_session: false, session_expiry_interval: 3600 },
  }),
};
const common = { topicSeparator: '/', quietMs: 2_000 };

for (const protocol of ['MQTTv31', 'MQTTv311', 'MQTTv5']) {
  runConformanceSuite({
    name: `mqtt ${protocol} over TCP on Mosquitto`,
    service: { type: 'mqtt', brokers: `127.0.0.1:${PORTS.tcp}`, type_spec: { protocol } },
    features,
    ...common,
  });
}
for (const protocol of ['MQTTv311', 'MQTTv5']) {
  runConformanceSuite({
    name: `mqtt ${protocol} over WebSocket on Mosquitto`,
    service: {
      type: 'mqtt',
      brokers: `127.0.0.1:${PORTS.ws}`,
      type_spec: { protocol, transport: 'websockets' },
    },
    features,
    ...common,
  });
}

const embedded = await startEmbeddedBroker({ port: 0, wsPort: 0 });
afterAll(() => embedded.close());

runConformanceSuite({
  name: 'mqtt MQTTv5 over TCP on the embedded broker',
  service: {
    type: 'mqtt',
    brokers: `127.0.0.1:${embedded.port}`,
    type_spec: { protocol: 'MQTTv5' },
  },
  features,
  ...common,
});
runConformanceSuite({
  name: 'mqtt MQTTv311 over WebSocket on the embedded broker',
  service: {
    type: 'mqtt',
    brokers: `127.0.0.1:${embedded.wsPort}`,
    type_spec: { protocol: 'MQTTv311', transport: 'websockets' },
  },
  features,
  ...common,
});
