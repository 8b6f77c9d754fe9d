import type { BrokerPlugin } from '../../spi/types.js';
import { AMQP091_PARAMETERS } from './parameters.js';
import { Amqp091Reader } from './reader.js';
import { Amqp091Writer } from './writer.js';

/**
 * `type: amqp-0.9.1`: RabbitMQ and other AMQP 0.9.1 brokers through amqplib. The topic is
 * the routing key on `type_spec.exchange` (default: the default exchange, i.e. the queue of
 * that name). See docs/amqp.md for every `type_spec` key.
 */
export const plugin: BrokerPlugin = {
  type: 'amqp-0.9.1',
  parameters: AMQP091_PARAMETERS,
  headers: 'binary',
  createWriter: (context) => new Amqp091Writer(context),
  createReader: (context) => new Amqp091Reader(context),
};
