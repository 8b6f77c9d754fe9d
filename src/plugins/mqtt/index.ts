import { paramsOf } from '../../spi/parameters.js';
import type { BrokerPlugin, HeaderSupport, PluginContext } from '../../spi/types.js';
import { MQTT_PARAMETERS } from './parameters.js';
import { MqttReader } from './reader.js';
import { mqttTopicProblem } from './topics.js';
import { MqttWriter } from './writer.js';

/** Headers travel as MQTT 5 user properties (UTF-8 string pairs); MQTT 3 has nothing like them. */
function headerSupport(context: PluginContext): HeaderSupport {
  const { protocol } = paramsOf(context, MQTT_PARAMETERS);
  return protocol === 'MQTTv5'
    ? 'text'
    : { unsupported: `mqtt ${protocol} has no user properties (MQTTv5 has)` };
}

/**
 * `type: mqtt` on MQTT.js: MQTT 3.1, 3.1.1 and 5 over TCP or WebSocket, with or without TLS.
 * Parameters use paho's names as SINETStream does (see docs/mqtt.md), in either spelling:
 * `tls` or `tls_set`, `will` or `will_set`, ...
 */
export const plugin: BrokerPlugin = {
  type: 'mqtt',
  parameters: MQTT_PARAMETERS,
  headers: headerSupport,
  topicProblem: mqttTopicProblem,
  createWriter: (context) => new MqttWriter(context),
  createReader: (context) => new MqttReader(context),
};

export { plugin as mqttPlugin };
