import type { ParamDeclarations, ParamValues } from '../../spi/parameters.js';

export const PROTOCOLS = ['MQTTv31', 'MQTTv311', 'MQTTv5'] as const;
export const TLS_VERSIONS = [
  'PROTOCOL_TLSv1',
  'PROTOCOL_TLSv1_1',
  'PROTOCOL_TLSv1_2',
  'PROTOCOL_TLS',
  'PROTOCOL_TLS_CLIENT',
] as const;

const v5 = (description: string) =>
  ({ description: `MQTT 5 CONNECT property: ${description}` }) as const;
const seconds = (description: string) => ({ type: 'number', description }) as const;

/** A will's own keys; the others are writer settings its payload is encoded with. */
const WILL = {
  topic: { type: 'string', description: 'topic of the will' },
  payload: { type: 'any', description: 'value of the will, encoded as a SINETStream message' },
  qos: { type: { oneOf: [0, 1, 2] }, description: 'QoS of the will (default: `qos`)' },
  retain: { type: 'boolean', default: false, description: 'the broker keeps the will' },
  delay_interval: seconds('MQTT 5: seconds the broker waits before it publishes the will'),
  consistency: { type: 'any', description: 'ignored: the will has its own `qos`' },
  value_type: { type: 'any', description: 'as for the service' },
  data_encryption: { type: 'any', description: 'as for the service' },
  crypto: { type: 'any', description: 'as for the service' },
  data_compression: { type: 'any', description: 'as for the service' },
  compression: { type: 'any', description: 'as for the service' },
  user_data_only: { type: 'any', description: 'as for the service' },
  message_format: { type: 'any', description: 'as for the service' },
} as const satisfies ParamDeclarations;

/**
 * Every parameter of `type: mqtt`, with paho's names as SINETStream uses them (the `_set`
 * spellings too); docs/mqtt.md shows this table.
 */
export const MQTT_PARAMETERS = {
  protocol: { type: { oneOf: PROTOCOLS }, default: 'MQTTv311', description: 'MQTT version' },
  transport: {
    type: { oneOf: ['tcp', 'websockets'] },
    default: 'tcp',
    description: 'TCP or WebSocket',
  },
  ws_set_options: {
    type: {
      block: {
        path: { type: 'string', default: '/', description: 'path of the WebSocket request' },
        headers: { type: 'string-map', description: 'headers of the WebSocket request' },
      },
    },
    aliases: ['ws_options'],
    description: '`{ path, headers }` of the WebSocket request',
  },
  qos: {
    type: { oneOf: [0, 1, 2] },
    twin: 'consistency',
    defaultText: 'from `consistency`: AT_MOST_ONCE 0, AT_LEAST_ONCE 1, EXACTLY_ONCE 2',
    description: 'QoS of publishes and subscriptions',
  },
  retain: {
    type: 'boolean',
    role: 'writer',
    default: false,
    description: 'the broker keeps the last message of the topic for later subscribers',
  },
  clean_session: {
    type: 'boolean',
    defaultText: 'true',
    description:
      'MQTT 3: `false` keeps the session (subscriptions, queued QoS 1/2 messages) across connections; needs a fixed `client_id`',
  },
  clean_start: { type: 'boolean', defaultText: 'true', description: 'MQTT 5 `clean_session`' },
  session_expiry_interval: { type: 'number', ...v5('seconds the broker keeps the session') },
  receive_maximum: { type: 'number', ...v5('QoS 1/2 messages the broker may send unacknowledged') },
  maximum_packet_size: { type: 'number', ...v5('largest packet this client takes') },
  topic_alias_maximum: { type: 'number', ...v5('topic aliases the broker may use') },
  request_response_info: { type: 'boolean', ...v5('ask for response information') },
  request_problem_info: { type: 'boolean', ...v5('ask for reason strings') },
  user_property: { type: 'string-map', ...v5('user properties of CONNECT') },
  auth_method: { type: 'string', ...v5('enhanced authentication method') },
  auth_data: { type: 'bytes', ...v5('enhanced authentication data') },
  username_pw: {
    type: {
      block: {
        username: { type: 'secret', description: 'user name' },
        password: { type: 'secret', description: 'password' },
      },
    },
    aliases: ['username_pw_set'],
    description: '`{ username, password }`',
  },
  tls: {
    type: {
      anyOf: [
        { literal: true },
        {
          block: {
            ca_certs: { type: 'file', description: 'CA certificates (PEM)' },
            certfile: { type: 'file', description: 'client certificate (PEM)' },
            keyfile: { type: 'file', description: 'client private key (PEM)' },
            keyfile_password: {
              type: 'secret',
              aliases: ['keyfilePassword'],
              description: 'passphrase of `keyfile`',
            },
            ciphers: { type: 'string', description: 'OpenSSL cipher list' },
            tls_version: {
              type: { oneOf: TLS_VERSIONS },
              description: 'the one TLS version to use',
            },
            cert_reqs: {
              type: { oneOf: ['CERT_NONE', 'CERT_OPTIONAL', 'CERT_REQUIRED'] },
              description: '`CERT_NONE`: the server certificate is not checked at all',
            },
          },
        },
      ],
    },
    aliases: ['tls_set'],
    twin: 'tls',
    description: "`true`, or paho's TLS settings, over the common `tls` block",
  },
  tls_insecure: {
    type: {
      anyOf: ['boolean', { block: { value: { type: 'boolean', description: 'as `true`' } } }],
    },
    aliases: ['tls_insecure_set'],
    twin: 'tls',
    description:
      '`true` or `{ value: true }`: do not check that the certificate names the host (as `tls.check_hostname: false`)',
  },
  will: {
    type: { block: WILL },
    aliases: ['will_set'],
    description:
      '`{ topic, payload, qos, retain, delay_interval }`, published by the broker if the connection breaks without a DISCONNECT',
  },
  reconnect_delay: {
    type: {
      block: {
        min_delay: { type: 'number', default: 1, description: 'first delay in seconds' },
        max_delay: { type: 'number', default: 120, description: 'longest delay in seconds' },
      },
    },
    aliases: ['reconnect_delay_set'],
    defaultText: '1 s doubling to 120 s',
    description:
      'after a lost connection, retries start at `min_delay` and double up to `max_delay`',
  },
  max_inflight_messages: {
    type: {
      anyOf: ['number', { block: { inflight: { type: 'number', description: 'the bound' } } }],
    },
    aliases: ['max_inflight_messages_set'],
    role: 'writer',
    defaultText: 'no bound',
    description: '`{ inflight }`: most QoS 1/2 publishes awaiting acknowledgement; more wait',
  },
  max_queued_messages: {
    type: 'any',
    aliases: ['max_queued_messages_set'],
    unsupported: 'not supported by this MQTT client',
    description: "paho's outgoing queue bound",
  },
  connect: {
    type: {
      block: {
        keepalive: seconds('keep-alive interval'),
        connection_timeout: seconds('connection timeout'),
        bind_address: {
          type: 'any',
          unsupported: 'not supported by this MQTT client',
          description: 'local address',
        },
      },
    },
    description: '`{ keepalive, connection_timeout }`',
  },
  keepalive: { ...seconds('keep-alive interval'), default: 60 },
  connection_timeout: { ...seconds('connection timeout'), default: 10 },
} as const satisfies ParamDeclarations;

export type MqttParams = ParamValues<typeof MQTT_PARAMETERS>;
