/**
 * The reconnection backoff every plugin uses: the delay doubles from `initialDelayMs` with
 * each failed attempt, up to `maxDelayMs`, and starts over once a connection is up again.
 */
export interface BackoffSettings {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** The delay before attempt `failed + 1`, after `failed` attempts that did not connect. */
export function backoffDelay(settings: BackoffSettings, failed: number): number {
  return Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** failed);
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller checks it). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
