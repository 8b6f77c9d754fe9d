import { InvalidArgumentError } from 'commander';

/**
 * Option parsers that refuse a bad value when the command line is read, with the value in the
 * message (commander adds the option's name): `--count abc` must not run and read nothing.
 */
export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value))
    throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
  return Number(value);
}

export function milliseconds(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) {
    throw new InvalidArgumentError(`expected a number of milliseconds, got "${value}"`);
  }
  return Number(value);
}

export function port(value: string): number {
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(number <= 65535)) {
    throw new InvalidArgumentError(`expected a port number (0 to 65535), got "${value}"`);
  }
  return number;
}

export function seconds(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) {
    throw new InvalidArgumentError(`expected a number of seconds, got "${value}"`);
  }
  return Number(value);
}
