import ora, { type Ora } from 'ora';

/** A run shorter than this shows no progress line: it would only flicker. */
const SHOW_AFTER_MS = 1000;
/** How often the line is redrawn at most. */
const REDRAW_MS = 200;

export interface Progress {
  /** One more message. */
  tick(): void;
  /** Takes the line away, leaving the terminal as it was. */
  stop(): void;
}

/** `--progress` / `--no-progress`, or neither. */
export type ProgressMode = 'auto' | 'always' | 'never';

/** The mode commander's `--progress` / `--no-progress` pair gives. */
export function progressMode(flag: boolean | undefined): ProgressMode {
  return flag === undefined ? 'auto' : flag ? 'always' : 'never';
}

const silent: Progress = { tick: () => undefined, stop: () => undefined };

/**
 * A line on stderr counting messages as they go, only when stderr is a terminal. `when`:
 * `auto` shows it for runs long enough to wonder about, when nothing else is written to the
 * terminal meanwhile (`quiet` false: typed input, or messages printed there); `always` from
 * the first message; `never` not at all.
 */
export function progress(verb: string, when: ProgressMode, quiet: boolean): Progress {
  if (when === 'never' || (when === 'auto' && !quiet)) return silent;
  // A terminal of no width (some pseudo-terminals) would make every redraw clear the screen,
  // and a dumb one cannot move the cursor.
  if (!process.stderr.isTTY || !process.stderr.columns || process.env.TERM === 'dumb')
    return silent;
  const showAfterMs = when === 'always' ? 0 : SHOW_AFTER_MS;
  const started = Date.now();
  let count = 0;
  let drawn = 0;
  let spinner: Ora | undefined;
  return {
    tick() {
      count++;
      const now = Date.now();
      if (now - started < showAfterMs || now - drawn < REDRAW_MS) return;
      drawn = now;
      const rate = Math.round(count / ((now - started) / 1000));
      const text = `${verb} ${count.toLocaleString('en')} message(s), ${rate.toLocaleString('en')}/s`;
      // discardStdin off: stdin may be the messages being written.
      // Enabled by our own checks above: ora's own would also turn it off wherever CI is set.
      spinner ??= ora({ stream: process.stderr, discardStdin: false, isEnabled: true }).start();
      spinner.text = text;
    },
    stop() {
      spinner?.stop();
    },
  };
}
