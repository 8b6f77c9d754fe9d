import type { BrokerPlugin } from '../../spi/types.js';
import { AMQP091_PARAMETERS } from './parameters.js';
import { Amqp091Reader } from './reader.js';
import { Amqp091Writer } from './writer.js';

/**
 * `type: amqp-0.9.1`: RabbitMQ and other AMQP 0.9.1 brokers through amqplib. The topic is
 * the routing key on `type_spec.exchange` (default: the default exchange, i.e. the queue of
 * that name). See docs/amqp.md for every `type_spec` key.
 */
const MAX_SHORT_STRING = 255;

export const plugin: BrokerPlugin = {
  type: 'amqp-0.9.1',
  parameters: AMQP091_PARAMETERS,
  headers: 'binary',
  // A topic is a routing key and, on the default exchange, a queue name: AMQP short strings.
  topicProblem: (topic) =>
    Buffer.byteLength(topic) > MAX_SHORT_STRING
      ? `AMQP 0.9.1 routing keys and queue names take at most ${MAX_SHORT_STRING} bytes`
      : undefined,
  createWriter: (context) => new Amqp091Writer(context),
  createReader: (context) => new Amqp091Reader(context),
};
