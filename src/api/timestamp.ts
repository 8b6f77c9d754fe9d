import { InvalidArgumentError } from '../errors.js';

/** Microseconds since the epoch: now (to the microsecond), or from seconds (as upstream) or a Date. */
export function toTimestampUs(timestamp?: number | Date): number {
  if (timestamp === undefined)
    return Math.round((performance.timeOrigin + performance.now()) * 1000);
  const us =
    timestamp instanceof Date
      ? timestamp.getTime() * 1000
      : typeof timestamp === 'number'
        ? Math.round(timestamp * 1_000_000)
        : Number.NaN;
  // Beyond 2^53 microseconds (year 2255) the Avro long would no longer be exact.
  if (!Number.isSafeInteger(us)) {
    throw new InvalidArgumentError(
      `timestamp: must be seconds since the epoch (a finite number) or a valid Date, got ${describeTimestamp(timestamp)}`,
    );
  }
  return us;
}

function describeTimestamp(timestamp: unknown): string {
  if (timestamp instanceof Date) return 'an invalid Date';
  return typeof timestamp === 'number' ? String(timestamp) : `a ${typeof timestamp}`;
}
