import { InvalidArgumentError } from '../errors.js';

/** One broker of `brokers`, split. */
export interface BrokerAddress {
  host: string;
  port: number;
}

/**
 * Splits `host`, `host:port` or `[v6]:port` and applies the plugin's default port.
 * A bare IPv6 address without brackets is taken whole as the host.
 */
export function parseBroker(broker: string, defaultPort: number): BrokerAddress {
  const text = broker.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1]!, port: toPort(bracketed[2], defaultPort, broker) };
  const colons = text.split(':').length - 1;
  if (colons === 1) {
    const [host, port] = text.split(':') as [string, string];
    return { host, port: toPort(port, defaultPort, broker) };
  }
  if (text === '') throw new InvalidArgumentError('brokers: empty broker address');
  return { host: text, port: defaultPort };
}

function toPort(port: string | undefined, defaultPort: number, broker: string): number {
  if (port === undefined || port === '') return defaultPort;
  const value = Number(port);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new InvalidArgumentError(`brokers: invalid port in "${broker}"`);
  }
  return value;
}
