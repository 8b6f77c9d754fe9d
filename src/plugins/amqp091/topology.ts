import type { Channel, Options } from 'amqplib';
import type { PluginContext } from '../../spi/types.js';
import type { Amqp091Params, EXCHANGE_TYPES } from './parameters.js';

/**
 * Where messages go: `exchange` (default: the default exchange, which routes a topic to the
 * queue of that name), its type, and the queue a reader consumes from.
 */
export interface Topology {
  exchange: string;
  exchangeType: (typeof EXCHANGE_TYPES)[number];
  exchangeDeclare: boolean;
  exchangeDurable: boolean;
  /** undefined: the topic itself on the default exchange, server-named otherwise. */
  queue: string | undefined;
  queueDeclare: boolean;
  queueDurable: boolean | undefined;
  queueExclusive: boolean | undefined;
  queueAutoDelete: boolean | undefined;
  queueArguments: Record<string, unknown> | undefined;
  /** Bind the reader's queue to the exchange with each topic as binding key. */
  bind: boolean;
}

export function topology(p: Amqp091Params): Topology {
  const named = p.exchange !== '';
  return {
    exchange: p.exchange,
    exchangeType: p.exchange_type,
    exchangeDeclare: p.exchange_declare ?? named,
    exchangeDurable: p.exchange_durable,
    queue: p.queue,
    queueDeclare: p.queue_declare,
    queueDurable: p.queue_durable,
    queueExclusive: p.queue_exclusive,
    queueAutoDelete: p.queue_auto_delete,
    queueArguments: p.queue_arguments,
    bind: p.bind ?? named,
  };
}

/** A named queue outlives its readers by default; a server-named one is theirs alone. */
export function queueOptions(t: Topology, serverNamed: boolean): Options.AssertQueue {
  return {
    durable: t.queueDurable ?? !serverNamed,
    exclusive: t.queueExclusive ?? serverNamed,
    autoDelete: t.queueAutoDelete ?? serverNamed,
    arguments: t.queueArguments,
  };
}

export async function declareExchange(channel: Channel, t: Topology): Promise<void> {
  if (t.exchange !== '' && t.exchangeDeclare) {
    await channel.assertExchange(t.exchange, t.exchangeType, { durable: t.exchangeDurable });
  }
}

/** Declares (or, with `queue_declare: false`, expects) a reader's queues; returns their names. */
export async function declareReaderQueues(
  channel: Channel,
  t: Topology,
  context: Pick<PluginContext, 'service'> & { topics: readonly string[] },
): Promise<string[]> {
  await declareExchange(channel, t);
  if (t.exchange === '') {
    const names = t.queue !== undefined ? [t.queue] : [...context.topics];
    if (t.queueDeclare) {
      for (const name of names) await channel.assertQueue(name, queueOptions(t, false));
    }
    return names;
  }
  const serverNamed = t.queue === undefined || t.queue === '';
  let name = t.queue ?? '';
  if (t.queueDeclare || serverNamed) {
    name = (await channel.assertQueue(name, queueOptions(t, serverNamed))).queue;
  }
  if (t.bind) {
    // A fanout exchange ignores the key; one binding is enough.
    const keys = t.exchangeType === 'fanout' ? [''] : context.topics;
    for (const key of keys) await channel.bindQueue(name, t.exchange, key);
  }
  return [name];
}
