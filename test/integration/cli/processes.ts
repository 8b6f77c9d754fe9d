import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
const CLI = join(ROOT, 'src', 'cli', 'main.ts');

/** A child process whose output is collected, with a way to wait for a line. */
export class Running {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => child.once('close', (code) => resolve(code)));
  }

  /** Resolves with the first match of `pattern` in stdout + stderr; rejects after `ms`. */
  async waitFor(pattern: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const match = `${this.stdout}\n${this.stderr}`.match(pattern);
      if (match) return match;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`no ${pattern} in output:\n${this.stdout}\n${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGINT');
    return this.exited;
  }
}

/** `sinetstream ARGS` from the sources (so no build is needed), in `cwd`. */
export function cli(args: string[], options: { cwd?: string; input?: string } = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (options.input !== undefined) child.stdin.end(options.input);
  return new Running(child);
}

/** A command under a pseudo-terminal (util-linux `script`), as a person at a keyboard runs it. */
export function inTerminal(command: string, cwd: string): Running {
  return new Running(spawn('script', ['-qfec', command, '/dev/null'], { cwd, env: process.env }));
}
