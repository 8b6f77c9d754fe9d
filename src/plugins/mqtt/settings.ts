import type { IClientOptions } from 'mqtt';
import { InvalidArgumentError } from '../../errors.js';
import type { BackoffSettings } from '../../spi/backoff.js';
import { parseBroker } from '../../spi/brokers.js';
import type { Consistency, PluginContext } from '../../spi/types.js';
import { ParamReader } from './param-reader.js';
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

/** MQTTv5 CONNECT properties: SINETStream (paho) name -> MQTT.js name and expected type. */
const V5_PROPERTIES = [
  ['session_expiry_interval', 'sessionExpiryInterval', 'number'],
  ['receive_maximum', 'receiveMaximum', 'number'],
  ['maximum_packet_size', 'maximumPacketSize', 'number'],
  ['topic_alias_maximum', 'topicAliasMaximum', 'number'],
  ['request_response_info', 'requestResponseInformation', 'boolean'],
  ['request_problem_info', 'requestProblemInformation', 'boolean'],
  ['auth_method', 'authenticationMethod', 'string'],
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
  /** Client options except TLS material, which is read from files at open. */
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

function toQos(value: number, key: string): QoS {
  if (value === 0 || value === 1 || value === 2) return value;
  throw new InvalidArgumentError(`mqtt ${key}: ${value} is not 0, 1 or 2`);
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  key: string,
): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value))
    return value as T | undefined;
  throw new InvalidArgumentError(`mqtt ${key}: "${value}" is not one of ${allowed.join(', ')}`);
}

function v5Properties(p: ParamReader, isV5: boolean): Record<string, unknown> | undefined {
  const properties: Record<string, unknown> = {};
  const given: string[] = [];
  for (const [name, jsName, type] of V5_PROPERTIES) {
    const value =
      type === 'number' ? p.number(name) : type === 'boolean' ? p.boolean(name) : p.string(name);
    if (value === undefined) continue;
    properties[jsName] = value;
    given.push(name);
  }
  const authData = p.bytes('auth_data');
  if (authData) {
    properties.authenticationData = Buffer.from(authData);
    given.push('auth_data');
  }
  const userProperties = p.stringMap('user_property');
  if (userProperties) {
    properties.userProperties = userProperties;
    given.push('user_property');
  }
  if (given.length === 0) return undefined;
  if (!isV5) {
    p.warn(`${given.join(', ')}: MQTTv5 only, but protocol is not MQTTv5; ignored`);
    return undefined;
  }
  return properties;
}

const WILL_KEYS = new Set(['topic', 'payload', 'qos', 'retain', 'delay_interval', 'consistency']);

/**
 * As upstream, the will payload travels as a SINETStream message (timestamp 0), encoded with
 * the will block's other keys (value_type, data_encryption, crypto...) as writer settings.
 */
function willEncoderOf(
  p: ParamReader,
  context: PluginContext,
): (() => Promise<Uint8Array>) | undefined {
  const block = p.raw('will', 'will_set');
  const { encodeMessage } = context;
  if (typeof block !== 'object' || block === null || !encodeMessage) return undefined;
  const { payload, ...rest } = block as Record<string, unknown>;
  const settings = Object.fromEntries(Object.entries(rest).filter(([key]) => !WILL_KEYS.has(key)));
  return () => encodeMessage(payload, settings);
}

function willOf(p: ParamReader, isV5: boolean, defaultQos: QoS): IClientOptions['will'] {
  const will = p.mapping('will', 'will_set');
  if (!will) return undefined;
  const topic = will.string('topic');
  const payload = will.bytes('payload');
  if (topic === undefined || payload === undefined) {
    throw new InvalidArgumentError(
      `mqtt ${will.keyOf('topic')}: a will needs both topic and payload`,
    );
  }
  const qos = will.number('qos');
  const delay = will.number('delay_interval');
  return {
    topic,
    payload: Buffer.from(payload),
    qos: qos === undefined ? defaultQos : toQos(qos, will.keyOf('qos')),
    retain: will.boolean('retain') ?? false,
    ...(isV5 && delay !== undefined ? { properties: { willDelayInterval: delay } } : {}),
  };
}

function credentials(p: ParamReader): Pick<IClientOptions, 'username' | 'password'> {
  const block = p.mapping('username_pw', 'username_pw_set');
  if (!block) return {};
  const username = block.text('username');
  const password = block.text('password');
  return {
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
  };
}

function inflightOf(p: ParamReader): number | undefined {
  if (typeof p.raw('max_inflight_messages', 'max_inflight_messages_set') === 'number') {
    return p.number('max_inflight_messages', 'max_inflight_messages_set');
  }
  return p.mapping('max_inflight_messages', 'max_inflight_messages_set')?.number('inflight');
}

/** Reads and checks the service's MQTT parameters (type_spec, or the v1/v2 spellings). */
export function readSettings(context: PluginContext): MqttSettings {
  const p = new ParamReader(context.params, context.logger, `service "${context.service}": `);
  const protocolName = oneOf(
    p.string('protocol'),
    Object.keys(PROTOCOLS) as (keyof typeof PROTOCOLS)[],
    'protocol',
  );
  const protocol = PROTOCOLS[protocolName ?? 'MQTTv311'];
  const isV5 = protocol.protocolVersion === 5;
  const transport = oneOf(p.string('transport'), ['tcp', 'websockets'], 'transport') ?? 'tcp';
  const qosValue = p.number('qos');
  const qos = qosValue === undefined ? QOS_OF[context.consistency] : toQos(qosValue, 'qos');
  const tls = tlsSpec(context.tls, p);
  const connect = p.mapping('connect');
  const ws = p.mapping('ws_set_options', 'ws_options');
  const reconnect = p.mapping('reconnect_delay', 'reconnect_delay_set');
  const reconnectMinMs = (reconnect?.number('min_delay') ?? 1) * 1000;
  const reconnectMaxMs = Math.max(reconnectMinMs, (reconnect?.number('max_delay') ?? 120) * 1000);
  const clean = isV5
    ? (p.boolean('clean_start') ?? p.boolean('clean_session'))
    : (p.boolean('clean_session') ?? p.boolean('clean_start'));
  if (p.has('max_queued_messages', 'max_queued_messages_set')) {
    p.warn('max_queued_messages: not supported by this MQTT client; ignored');
  }
  if (connect?.has('bind_address'))
    p.warn('connect.bind_address: not supported by this MQTT client; ignored');

  if (context.brokers.length === 0) throw new InvalidArgumentError('mqtt brokers: no broker given');
  const secure = tls !== undefined;
  const scheme = transport === 'websockets' ? (secure ? 'wss' : 'ws') : secure ? 'mqtts' : 'mqtt';
  const defaultPort = transport === 'websockets' ? (secure ? 443 : 80) : secure ? 8883 : 1883;
  const servers = context.brokers.map(
    (b) => ({ ...parseBroker(b, defaultPort), protocol: scheme }) as Server,
  );
  const properties = v5Properties(p, isV5);
  const will = willOf(p, isV5, qos);

  return {
    label: `${scheme}://${context.brokers.join(',')}`,
    servers,
    options: {
      clientId: context.clientId,
      protocolId: protocol.protocolId,
      protocolVersion: protocol.protocolVersion,
      clean: clean ?? true,
      keepalive: connect?.number('keepalive') ?? p.number('keepalive') ?? 60,
      connectTimeout:
        (connect?.number('connection_timeout') ?? p.number('connection_timeout') ?? 10) * 1000,
      path: ws?.string('path') ?? '/',
      ...credentials(p),
      ...(properties ? { properties } : {}),
      ...(will ? { will } : {}),
    },
    tls,
    websocketHeaders: ws?.stringMap('headers'),
    qos,
    retain: p.boolean('retain') ?? false,
    reconnect: { initialDelayMs: reconnectMinMs, maxDelayMs: reconnectMaxMs },
    maxInflight: inflightOf(p),
    encodeWill: will ? willEncoderOf(p, context) : undefined,
  };
}
