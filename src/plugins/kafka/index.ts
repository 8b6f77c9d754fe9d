import type { BrokerPlugin } from '../../spi/types.js';
import { KafkaReader } from './reader.js';
import { KafkaWriter } from './writer.js';

/**
 * `type: kafka` on @platformatic/kafka, configured with the kafka-python parameter names a
 * Python SINETStream config already uses (see docs/kafka.md). Topics are created on first use
 * where the broker allows it (auto.create.topics.enable, Kafka's default).
 */
export const plugin: BrokerPlugin = {
  type: 'kafka',
  // A broker-specific value in the file gives way to its common twin given to the API.
  commonTwins: {
    ssl_cafile: 'tls',
    ssl_certfile: 'tls',
    ssl_keyfile: 'tls',
    ssl_password: 'tls',
    ssl_ciphers: 'tls',
    ssl_check_hostname: 'tls',
    acks: 'consistency',
    enable_idempotence: 'consistency',
  },
  createWriter: (context) => new KafkaWriter(context),
  createReader: (context) => new KafkaReader(context),
};
