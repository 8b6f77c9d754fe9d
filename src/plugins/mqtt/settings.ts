import type { IClientOptions } from 'mqtt';
import { InvalidArgumentError } from '../../errors.js';
import type { BackoffSettings } from '../../spi/backoff.js';
import { parseBroker } from '../../spi/brokers.js';
import { paramsOf } from '../../spi/parameters.js';
import type { Consistency, PluginContext } from '../../spi/types.js';
import { MQTT_PARAMETERS, type MqttParams } from './parameters.js';
import { payloadOf } from './payload.js';
import { type TlsSpec, tlsSpec } from './tls.js';

export type QoS = 0 | 1 | 2;

const QOS_OF: Readonly<Record<Consistency, QoS>> = {
  AT_MOST_ONCE: 0,
  AT_LEAST_ONCE: 1,
  EXACTLY_ONCE: 2,
};

const PROTOCOLS = {
  MQTTv31: { protocolId: 'MQIsdp', protocolVersion: 3 },
  MQTTv311: { protocolId: 'MQTT', protocolVersion: 4 },
  MQTTv5: { protocolId: 'MQTT', protocolVersion: 5 },
} as const;

/** MQTTv5 CONNECT properties: SINETStream (paho) name -> MQTT.js name. */
const V5_PROPERTIES = [
  ['session_expiry_interval', 'sessionExpiryInterval'],
  ['receive_maximum', 'receiveMaximum'],
  ['maximum_packet_size', 'maximumPacketSize'],
  ['topic_alias_maximum', 'topicAliasMaximum'],
  ['request_response_info', 'requestResponseInformation'],
  ['request_problem_info', 'requestProblemInformation'],
  ['auth_method', 'authenticationMethod'],
  ['user_property', 'userProperties'],
] as const;

export interface Server {
  host: string;
  port: number;
  protocol: 'mqtt' | 'mqtts' | 'ws' | 'wss';
}

/** Everything the plugin needs, read from the context once and checked. */
export interface MqttSettings {
  readonly label: string;
  readonly servers: readonly Server[];
  /** Client options except TLS. */
  readonly options: IClientOptions;
  readonly tls: TlsSpec | undefined;
  readonly websocketHeaders: Record<string, string> | undefined;
  readonly qos: QoS;
  readonly retain: boolean;
  /** paho's `reconnect_delay` min_delay..max_delay. */
  readonly reconnect: BackoffSettings;
  /** Most QoS 1/2 publishes awaiting their acknowledgement at once; unbounded when undefined. */
  readonly maxInflight: number | undefined;
  /** The will payload as a SINETStream message, made at connect time (it may need crypto). */
  readonly encodeWill: (() => Promise<Uint8Array>) | undefined;
}

function v5Properties(p: MqttParams, isV5: boolean, context: PluginContext) {
  const properties: Record<string, unknown> = {};
  const given: string[] = [];
  for (const [name, jsName] of V5_PROPERTIES) {
    if (p[name] === undefined) continue;
    properties[jsName] = p[name];
    given.push(name);
  }
  if (p.auth_data) {
    properties.authenticationData = payloadOf(p.auth_data);
    given.push('auth_data');
  }
  if (given.length === 0) return undefined;
  if (!isV5) {
    context.logger.warn(
      `service "${context.service}": ${given.join(', ')}: MQTTv5 only, but protocol is not MQTTv5; ignored`,
    );
    return undefined;
  }
  return properties;
}

const WILL_KEYS = new Set(['topic', 'payload', 'qos', 'retain', 'delay_interval', 'consistency']);

/**
 * As upstream, the will payload travels as a SINETStream message (timestamp 0), encoded with
 * the will block's other keys (value_type, data_encryption, crypto...) as writer settings.
 */
function willOf(
  p: MqttParams,
  isV5: boolean,
  defaultQos: QoS,
  context: PluginContext,
): Pick<MqttSettings, 'encodeWill'> & { will?: IClientOptions['will'] } {
  const will = p.will;
  if (!will) return { encodeWill: undefined };
  const { topic, payload } = will;
  if (topic === undefined || payload === undefined) {
    throw new InvalidArgumentError(
      `service "${context.service}": parameter will: a will needs both topic and payload`,
    );
  }
  const settings = Object.fromEntries(
    Object.entries(will).filter(([key, value]) => !WILL_KEYS.has(key) && value !== undefined),
  );
  const { encodeMessage } = context;
  const delay = will.delay_interval;
  return {
    will: {
      topic,
      // Replaced by the encoded message at connect time; as given where nothing encodes.
      payload:
        typeof payload === 'string' || payload instanceof Uint8Array
          ? payloadOf(payload)
          : payloadOf(new Uint8Array(0)),
      qos: will.qos ?? defaultQos,
      retain: will.retain,
      ...(isV5 && delay !== undefined ? { properties: { willDelayInterval: delay } } : {}),
    },
    encodeWill: encodeMessage && (() => encodeMessage(payload, settings)),
  };
}

/** Reads the service's MQTT parameters, which core checked against MQTT_PARAMETERS. */
export function readSettings(context: PluginContext): MqttSettings {
  const p = paramsOf(context, MQTT_PARAMETERS);
  const protocol = PROTOCOLS[p.protocol];
  const isV5 = protocol.protocolVersion === 5;
  const qos = p.qos ?? QOS_OF[context.consistency];
  const tls = tlsSpec(context.tls, p);
  const clean = isV5 ? (p.clean_start ?? p.clean_session) : (p.clean_session ?? p.clean_start);
  const inflight = p.max_inflight_messages;

  if (context.brokers.length === 0) throw new InvalidArgumentError('mqtt brokers: no broker given');
  const secure = tls !== undefined;
  const websockets = p.transport === 'websockets';
  const scheme = websockets ? (secure ? 'wss' : 'ws') : secure ? 'mqtts' : 'mqtt';
  const defaultPort = websockets ? (secure ? 443 : 80) : secure ? 8883 : 1883;
  const servers = context.brokers.map(
    (b) => ({ ...parseBroker(b, defaultPort), protocol: scheme }) as Server,
  );
  const properties = v5Properties(p, isV5, context);
  const { will, encodeWill } = willOf(p, isV5, qos, context);
  const username = p.username_pw?.username?.revealText();
  const password = p.username_pw?.password?.revealText();
  const reconnectMinMs = (p.reconnect_delay?.min_delay ?? 1) * 1000;

  return {
    label: `${scheme}://${context.brokers.join(',')}`,
    servers,
    options: {
      clientId: context.clientId,
      protocolId: protocol.protocolId,
      protocolVersion: protocol.protocolVersion,
      clean: clean ?? true,
      keepalive: p.connect?.keepalive ?? p.keepalive,
      connectTimeout: (p.connect?.connection_timeout ?? p.connection_timeout) * 1000,
      path: p.ws_set_options?.path ?? '/',
      ...(username !== undefined ? { username } : {}),
      ...(password !== undefined ? { password } : {}),
      ...(properties ? { properties } : {}),
      ...(will ? { will } : {}),
    },
    tls,
    websocketHeaders: p.ws_set_options?.headers,
    qos,
    retain: p.retain,
    reconnect: {
      initialDelayMs: reconnectMinMs,
      maxDelayMs: Math.max(reconnectMinMs, (p.reconnect_delay?.max_delay ?? 120) * 1000),
    },
    maxInflight: typeof inflight === 'object' ? inflight.inflight : inflight,
    encodeWill,
  };
}
