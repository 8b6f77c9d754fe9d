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

const silent: Progress = { tick: () => undefined, stop: () => undefined };

/**
 * A line on stderr counting messages as they go, for runs long enough to wonder about, and
 * only when stderr is a terminal and nothing else is written to it meanwhile (`shown`
 * false: typed input, or messages printed on the same terminal).
 */
export function progress(verb: string, shown: boolean): Progress {
  // A terminal of no width (some pseudo-terminals) would make every redraw clear the screen.
  if (!shown || !process.stderr.isTTY || !process.stderr.columns) return silent;
  const started = Date.now();
  let count = 0;
  let drawn = 0;
  let spinner: Ora | undefined;
  return {
    tick() {
      count++;
      const now = Date.now();
      if (now - started < SHOW_AFTER_MS || now - drawn < REDRAW_MS) return;
      drawn = now;
      const rate = Math.round(count / ((now - started) / 1000));
      const text = `${verb} ${count.toLocaleString('en')} message(s), ${rate.toLocaleString('en')}/s`;
      // discardStdin off: stdin may be the messages being written.
      spinner ??= ora({ stream: process.stderr, discardStdin: false }).start();
      spinner.text = text;
    },
    stop() {
      spinner?.stop();
    },
  };
}
