import type { ParamDeclarations, ParamValues } from '../../spi/parameters.js';

export const PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
const OFFSET_RESETS = ['earliest', 'latest', 'none', 'smallest', 'largest'] as const;
const ISOLATION_LEVELS = ['read_uncommitted', 'read_committed'] as const;

const tls = (description: string) => ({ twin: 'tls', description }) as const;

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
} as const satisfies ParamDeclarations;

export type KafkaParams = ParamValues<typeof KAFKA_PARAMETERS>;
