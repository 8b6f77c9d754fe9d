import { afterAll, beforeAll } from 'vitest';
import { startEmbeddedBroker } from '../../../src/plugins/mqtt/embedded-broker.js';
import { runConformanceSuite } from '../../../src/testing/index.js';
import { PORTS, requireMosquitto } from './mosquitto.js';

beforeAll(requireMosquitto);

const features = (protocol: string) => ({
  ordering: true,
  persistence: false,
  seek: false,
  wildcard: (prefix: string) => `${prefix}/#`,
  // A QoS 1 message held by the user stops MQTT.js reading the socket.
  bufferSlack: 0,
  // MQTT 5 user properties are UTF-8 string pairs; MQTT 3 has nothing like them.
  headers:
    protocol === 'MQTTv5'
      ? ('text' as const)
      : { unsupported: `mqtt ${protocol} has no user properties (MQTTv5 has)` },
  // A persistent session under a fixed client id; on MQTT 5, one that outlives the connection.
  identity: (id: string) => ({
    clientId: id,
    typeSpec:
      protocol === 'MQTTv5'
        ? { clean_start: false, session_expiry_interval: 3600 }
        : { clean_session: false },
  }),
});
const common = { topicSeparator: '/', quietMs: 2_000 };

for (const protocol of ['MQTTv31', 'MQTTv311', 'MQTTv5']) {
  runConformanceSuite({
    name: `mqtt ${protocol} over TCP on Mosquitto`,
    service: { type: 'mqtt', brokers: `127.0.0.1:${PORTS.tcp}`, type_spec: { protocol } },
    features: features(protocol),
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
    features: features(protocol),
    ...common,
  });
}

const embedded = await startEmbeddedBroker({ port: 0, wsPort: 0 });
afterAll(() => embedded.close());

for (const protocol of ['MQTTv311', 'MQTTv5']) {
  runConformanceSuite({
    name: `mqtt ${protocol} over TCP on the embedded broker`,
    service: {
      type: 'mqtt',
      brokers: `127.0.0.1:${embedded.port}`,
      type_spec: { protocol },
    },
    features: features(protocol),
    ...common,
  });
  runConformanceSuite({
    name: `mqtt ${protocol} over WebSocket on the embedded broker`,
    service: {
      type: 'mqtt',
      brokers: `127.0.0.1:${embedded.wsPort}`,
      type_spec: { protocol, transport: 'websockets' },
    },
    features: features(protocol),
    ...common,
  });
}
