import type { BrokerPlugin } from '../../spi/types.js';
import { AMQP10_PARAMETERS } from './parameters.js';
import { Amqp10Reader } from './reader.js';
import { Amqp10Writer } from './writer.js';

/**
 * `type: amqp-1.0`: any AMQP 1.0 broker (ActiveMQ Artemis, RabbitMQ's AMQP 1.0 plugin,
 * Qpid...) through rhea. The topic is the node address; see docs/amqp.md for `type_spec`.
 */
export const plugin: BrokerPlugin = {
  type: 'amqp-1.0',
  parameters: AMQP10_PARAMETERS,
  headers: 'binary',
  createWriter: (context) => new Amqp10Writer(context),
  createReader: (context) => new Amqp10Reader(context),
};
