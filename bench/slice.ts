/**
 * One timed slice of a throughput bench: `send` called with `window` calls in flight until
 * `ms` have passed or `max` were sent. Benches alternate such slices between the sides they
 * compare, so load from other processes falls on every side alike.
 */
export async function timedSlice(
  send: () => Promise<void>,
  window: number,
  ms: number,
  max: number,
): Promise<{ sent: number; seconds: number }> {
  const start = performance.now();
  const deadline = start + ms;
  let sent = 0;
  const worker = async () => {
    while (sent < max && performance.now() < deadline) {
      sent++;
      await send();
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  return { sent, seconds: (performance.now() - start) / 1000 };
}
