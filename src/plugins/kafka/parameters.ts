import type { ParamDeclarations, ParamValues } from '../../spi/parameters.js';

export const PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
const OFFSET_RESETS = ['earliest', 'latest', 'none', 'smallest', 'largest'] as const;
const ISOLATION_LEVELS = ['read_uncommitted', 'read_committed'] as const;

const tls = (description: string) => ({ twin: 'tls', description }) as const;

/** A kafka-python parameter of type `T` this client has no use for, and why. */
const ignored = <T extends 'number' | 'boolean' | 'any' | 'string'>(
  type: T,
  description: string,
  unsupported: string,
  role?: 'reader' | 'writer',
) => ({ type, description, unsupported, ...(role && { role }) }) as const;
const PYTHON_OBJECT = 'it takes a Python object, which a config file cannot hold';

/**
 * The kafka-python parameters this client honours (kafka-python's names, as a Python
 * SINETStream config already uses them); docs/kafka.md shows this table.
 */
export const KAFKA_PARAMETERS = {
  security_protocol: {
    type: { oneOf: PROTOCOLS, ignoreCase: true },
    defaultText: '`SSL` with a `tls` block, else `PLAINTEXT`',
    description: 'how the connection is secured and authenticated',
  },
  sasl_mechanism: {
    type: { oneOf: MECHANISMS, ignoreCase: true },
    default: 'PLAIN',
    description: 'SASL mechanism',
  },
  sasl_plain_username: { type: 'string', description: 'SASL user name' },
  sasl_plain_password: { type: 'secret', description: 'SASL password' },
  ssl_cafile: { type: 'file', ...tls('overrides `tls.ca_certs`') },
  ssl_certfile: { type: 'file', ...tls('overrides `tls.certfile`') },
  ssl_keyfile: { type: 'file', ...tls('overrides `tls.keyfile`') },
  ssl_password: { type: 'secret', ...tls('overrides `tls.keyfile_password`') },
  ssl_ciphers: { type: 'string', ...tls('overrides `tls.ciphers`') },
  ssl_check_hostname: { type: 'boolean', ...tls('overrides `tls.check_hostname`') },
  request_timeout_ms: { type: 'number', description: 'timeout of one request to a broker' },
  retry_backoff_ms: {
    type: 'number',
    description: 'pause before a failed request is tried again',
  },
  metadata_max_age_ms: { type: 'number', description: 'metadata is refreshed at least this often' },
  acks: {
    type: { oneOf: [0, 1, -1, 'all'] },
    role: 'writer',
    twin: 'consistency',
    defaultText: '0 at AT_MOST_ONCE, else `all`',
    description: 'replicas that must have a message before its publish resolves',
  },
  enable_idempotence: {
    type: 'boolean',
    role: 'writer',
    twin: 'consistency',
    defaultText: 'true at EXACTLY_ONCE',
    description: 'idempotent producer (needs `acks: all`)',
  },
  retries: {
    type: 'number',
    role: 'writer',
    default: 3,
    description: "the client's retries of one request",
  },
  compression_type: {
    type: { oneOf: COMPRESSIONS, ignoreCase: true },
    role: 'writer',
    default: 'none',
    description: 'Kafka-level compression of record batches',
  },
  batch_size: {
    type: 'number',
    role: 'writer',
    default: 16_384,
    description: 'most bytes one produce request carries',
  },
  linger_ms: {
    type: 'number',
    role: 'writer',
    default: 0,
    description: 'how long a batch waits for more publishes',
  },
  max_in_flight_requests_per_connection: {
    type: 'number',
    role: 'writer',
    defaultText: '5; 1 when idempotent',
    description: 'produce requests out at once',
  },
  group_id: {
    type: 'string',
    role: 'reader',
    defaultText: 'a group of its own',
    description:
      'consumer group: readers of one group share the partitions, and resume where it left off',
  },
  group_instance_id: { type: 'string', role: 'reader', description: 'static group membership' },
  auto_offset_reset: {
    type: { oneOf: OFFSET_RESETS, ignoreCase: true },
    role: 'reader',
    default: 'latest',
    description: 'where a group without a committed offset starts',
  },
  enable_auto_commit: {
    type: 'boolean',
    role: 'reader',
    default: true,
    description: 'commit the offsets of messages the user has finished with',
  },
  auto_commit_interval_ms: {
    type: 'number',
    role: 'reader',
    defaultText: '5000; 101 at AT_MOST_ONCE',
    description: 'how often offsets are committed',
  },
  session_timeout_ms: {
    type: 'number',
    role: 'reader',
    default: 10_000,
    description: 'a member silent this long leaves the group',
  },
  heartbeat_interval_ms: { type: 'number', role: 'reader', description: 'heartbeat period' },
  max_poll_interval_ms: { type: 'number', role: 'reader', description: 'rebalance timeout' },
  fetch_min_bytes: { type: 'number', role: 'reader', description: 'a fetch waits for this much' },
  fetch_max_bytes: { type: 'number', role: 'reader', description: 'most bytes of one fetch' },
  fetch_max_wait_ms: {
    type: 'number',
    role: 'reader',
    description: 'longest wait for `fetch_min_bytes`',
  },
  max_partition_fetch_bytes: {
    type: 'number',
    role: 'reader',
    // The client's own bound is its 50 MB fetch, and it keeps a whole fetch response however
    // far the user is behind: a slow reader held up to 50 MB of a backlog.
    default: 1_048_576,
    description: "most bytes per partition in one fetch (kafka-python's default)",
  },
  isolation_level: {
    type: { oneOf: ISOLATION_LEVELS, ignoreCase: true },
    role: 'reader',
    defaultText: '`read_committed` at EXACTLY_ONCE, else `read_uncommitted`',
    description: 'whether aborted transactions are seen',
  },
  allow_auto_create_topics: {
    type: 'boolean',
    role: 'reader',
    default: true,
    description: 'subscribing creates a missing topic (where the broker allows it)',
  },
  ssl_crlfile: {
    type: 'file',
    description: 'certificate revocation list (PEM) the broker certificate is checked against',
  },
  reconnect_backoff_ms: {
    type: 'number',
    role: 'reader',
    default: 500,
    description: 'first pause before a reader reconnects after losing the broker, doubling',
  },
  reconnect_backoff_max_ms: {
    type: 'number',
    role: 'reader',
    default: 2_000,
    description: "longest pause between a reader's reconnection attempts",
  },
  connection_timeout_ms: {
    type: 'number',
    description: 'how long connecting to a broker may take',
  },
  // kafka-python names with no counterpart here, each warned about with the reason.
  api_version: ignored(
    'any',
    'broker API version to assume',
    'the client asks the broker which API versions it speaks (ApiVersions), as kafka-python does without api_version',
  ),
  api_version_auto_timeout_ms: ignored(
    'number',
    'timeout of the API version check',
    'the API versions come with the first request, under request_timeout_ms',
  ),
  connections_max_idle_ms: ignored(
    'number',
    'idle connections are closed after this',
    'the client keeps its broker connections until close',
  ),
  receive_buffer_bytes: ignored(
    'number',
    'socket receive buffer',
    'sockets keep the OS buffer sizes',
  ),
  send_buffer_bytes: ignored('number', 'socket send buffer', 'sockets keep the OS buffer sizes'),
  socket_options: ignored('any', 'socket options', 'sockets keep the OS defaults (TCP_NODELAY on)'),
  sock_chunk_bytes: ignored(
    'number',
    'socket read chunk',
    'kafka-python internals; Node reads as data arrives',
  ),
  sock_chunk_buffer_count: ignored(
    'number',
    'socket read chunks',
    'kafka-python internals; Node reads as data arrives',
  ),
  max_request_size: ignored(
    'number',
    'largest produce request',
    "records are not checked on this side; the broker's message.max.bytes refuses one too large",
    'writer',
  ),
  buffer_memory: ignored(
    'number',
    'bytes the producer may buffer',
    'the writer bounds publishes in flight by count (max_unacked_messages), not bytes',
    'writer',
  ),
  max_block_ms: ignored(
    'number',
    'how long a send may block',
    'publish never blocks: it returns a promise at once',
    'writer',
  ),
  delivery_timeout_ms: ignored(
    'number',
    'time limit for a publish, retries included',
    'a publish fails after `retries` attempts of at most request_timeout_ms each',
    'writer',
  ),
  partitioner: ignored('any', 'partition chooser', PYTHON_OBJECT, 'writer'),
  key_serializer: ignored('any', 'key serializer', PYTHON_OBJECT, 'writer'),
  value_serializer: ignored(
    'any',
    'value serializer',
    `${PYTHON_OBJECT} (use valueSerializer)`,
    'writer',
  ),
  bootstrap_topics_filter: ignored(
    'any',
    'topics whose metadata is fetched at start',
    'metadata is fetched for the topics written to',
    'writer',
  ),
  max_poll_records: ignored(
    'number',
    'most records one poll returns',
    'messages are handed over one at a time; fetch_max_bytes and max_partition_fetch_bytes bound a fetch',
    'reader',
  ),
  partition_assignment_strategy: ignored(
    'any',
    'partition assignors of the group',
    `${PYTHON_OBJECT} (assignor classes); the group's partitions are assigned round-robin`,
    'reader',
  ),
  check_crcs: ignored(
    'boolean',
    'verify record CRCs',
    'the client always checks the CRC of every record batch',
    'reader',
  ),
  exclude_internal_topics: ignored(
    'boolean',
    'leave internal topics out of patterns',
    'topics are subscribed by name, never by pattern',
    'reader',
  ),
  leave_group_on_close: ignored(
    'boolean',
    'leave the group on close',
    'the reader always leaves its group on close',
    'reader',
  ),
  consumer_timeout_ms: ignored(
    'number',
    'iteration stops after this long without a message',
    'SINETStream sets it from receive_timeout_ms; give that',
    'reader',
  ),
  default_offset_commit_callback: ignored('any', 'commit callback', PYTHON_OBJECT, 'reader'),
  key_deserializer: ignored('any', 'key deserializer', PYTHON_OBJECT, 'reader'),
  value_deserializer: ignored(
    'any',
    'value deserializer',
    `${PYTHON_OBJECT} (use valueDeserializer)`,
    'reader',
  ),
  legacy_iterator: ignored('boolean', 'old iterator', 'kafka-python internals', 'reader'),
  metric_group_prefix: ignored('string', 'metrics prefix', 'kafka-python metrics only', 'reader'),
  metric_reporters: ignored('any', 'metrics reporters', PYTHON_OBJECT),
  metrics_num_samples: ignored(
    'number',
    'metrics samples',
    'kafka-python metrics only; see metrics.raw',
  ),
  metrics_sample_window_ms: ignored(
    'number',
    'metrics window',
    'kafka-python metrics only; see metrics.raw',
  ),
  selector: ignored('any', 'I/O selector', PYTHON_OBJECT),
  kafka_client: ignored('any', 'client class', PYTHON_OBJECT),
  ssl_context: ignored('any', 'ssl.SSLContext', `${PYTHON_OBJECT}; give the ssl_* files or tls`),
  sasl_kerberos_service_name: ignored('string', 'Kerberos service', 'SASL GSSAPI is not offered'),
  sasl_kerberos_domain_name: ignored('string', 'Kerberos domain', 'SASL GSSAPI is not offered'),
  sasl_oauth_token_provider: ignored('any', 'OAUTHBEARER token provider', PYTHON_OBJECT),
} as const satisfies ParamDeclarations;

export type KafkaParams = ParamValues<typeof KAFKA_PARAMETERS>;
