import type { ParamDeclaration, ParamValue } from './parameters.js';

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

/** What `reconnect` means when not tuned: 100 ms doubling up to 10 s. */
export const DEFAULT_RECONNECT_BACKOFF: BackoffSettings = {
  initialDelayMs: 100,
  maxDelayMs: 10_000,
};

/** `reconnect`, as every plugin that reconnects by itself takes it. */
export const RECONNECT_PARAMETER = {
  type: {
    anyOf: [
      { literal: false },
      { literal: true },
      {
        block: {
          initial_delay_ms: { type: 'number', description: 'first delay' },
          max_delay_ms: { type: 'number', description: 'longest delay' },
        },
      },
    ],
  },
  description:
    'after a lost connection, retries wait `initial_delay_ms`, doubling up to `max_delay_ms`; `false`: no reconnection',
} as const satisfies ParamDeclaration;

/** The backoff `reconnect` asks for, or undefined when it turns reconnection off. */
export function reconnectBackoff(
  value: ParamValue<(typeof RECONNECT_PARAMETER)['type']> | undefined,
  defaults: BackoffSettings,
): BackoffSettings | undefined {
  if (value === false) return undefined;
  const block = typeof value === 'object' ? value : {};
  const initialDelayMs = block.initial_delay_ms ?? defaults.initialDelayMs;
  return {
    initialDelayMs,
    maxDelayMs: Math.max(initialDelayMs, block.max_delay_ms ?? defaults.maxDelayMs),
  };
}
