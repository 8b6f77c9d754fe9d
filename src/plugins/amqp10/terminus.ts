import type { Message } from 'rhea';
import type { PluginContext } from '../../spi/types.js';
import type { Amqp10Params } from './parameters.js';

/**
 * How a topic becomes a node address: `address_prefix` + topic (RabbitMQ 3.x wants
 * `/queue/` or `/topic/`; Artemis and others take the bare name), and `address_type` sent
 * as the terminus capability: `queue` (each message to one reader, the default) or `topic`
 * (each message to every subscriber).
 */
export interface Addressing {
  prefix: string;
  capabilities: string[];
}

export function addressing(p: Amqp10Params): Addressing {
  return { prefix: p.address_prefix, capabilities: [p.address_type] };
}

/** The container id the broker knows this client by: `container_id`, else the client id. */
export function containerId(context: PluginContext, p: Amqp10Params): string {
  return p.container_id ?? context.clientId;
}

/**
 * The topic a message was sent to, which differs from the subscribed one under a wildcard:
 * RabbitMQ tells the routing key, other brokers keep the `to` our writer sets.
 */
export function topicOf(message: Message, prefix: string, subscribed: string): string {
  const key = message.message_annotations?.['x-routing-key'];
  if (typeof key === 'string') return key;
  const to = message.to;
  if (typeof to === 'string' && to.startsWith(prefix)) return to.slice(prefix.length);
  return subscribed;
}
