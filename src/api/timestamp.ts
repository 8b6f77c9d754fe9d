/** Microseconds since the epoch: now (to the microsecond), or from seconds (as upstream) or a Date. */
export function toTimestampUs(timestamp?: number | Date): number {
  if (timestamp === undefined)
    return Math.round((performance.timeOrigin + performance.now()) * 1000);
  if (timestamp instanceof Date) return timestamp.getTime() * 1000;
  return Math.round(timestamp * 1_000_000);
}
