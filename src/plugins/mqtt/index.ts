import type { BrokerPlugin } from '../../spi/types.js';
import { MQTT_PARAMETERS } from './parameters.js';
import { MqttReader } from './reader.js';
import { MqttWriter } from './writer.js';

/**
 * `type: mqtt` on MQTT.js: MQTT 3.1, 3.1.1 and 5 over TCP or WebSocket, with or without TLS.
 * Parameters use paho's names as SINETStream does (see docs/mqtt.md), in either spelling:
 * `tls` or `tls_set`, `will` or `will_set`, ...
 */
export const plugin: BrokerPlugin = {
  type: 'mqtt',
  parameters: MQTT_PARAMETERS,
  createWriter: (context) => new MqttWriter(context),
  createReader: (context) => new MqttReader(context),
};

export { plugin as mqttPlugin };
