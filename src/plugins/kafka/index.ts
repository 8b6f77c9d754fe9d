import type { BrokerPlugin } from '../../spi/types.js';
import { KAFKA_PARAMETERS } from './parameters.js';
import { KafkaReader } from './reader.js';
import { kafkaTopicProblem } from './topics.js';
import { KafkaWriter } from './writer.js';

/**
 * `type: kafka` on @platformatic/kafka, configured with the kafka-python parameter names a
 * Python SINETStream config already uses (see docs/kafka.md). Topics are created on first use
 * where the broker allows it (auto.create.topics.enable, Kafka's default).
 */
export const plugin: BrokerPlugin = {
  type: 'kafka',
  parameters: KAFKA_PARAMETERS,
  headers: 'binary',
  topicProblem: kafkaTopicProblem,
  createWriter: (context) => new KafkaWriter(context),
  createReader: (context) => new KafkaReader(context),
};
