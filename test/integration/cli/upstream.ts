import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.js';

/** The venv scripts/python-cli/setup.sh makes, holding upstream's sinetstream-cli 1.10. */
export const UPSTREAM_CLI_VENV =
  process.env.SINETSTREAM_CLI_VENV ?? join(ROOT, '.venv', 'sinetstream-cli');
const PYTHON = join(UPSTREAM_CLI_VENV, 'bin', 'python');
const OURS = join(ROOT, 'src', 'cli', 'main.ts');

/** Fails (never skips) when upstream's CLI is not installed. */
export function requireUpstreamCli(): void {
  if (!existsSync(PYTHON)) {
    throw new Error(
      `upstream's sinetstream_cli is not installed in ${UPSTREAM_CLI_VENV}: run scripts/python-cli/setup.sh first`,
    );
  }
}

export type Side = 'ours' | 'theirs';

export interface Finished {
  code: number | null;
  /** Bytes, as written: a byte value is printed as it is. */
  stdout: Buffer;
  stderr: string;
}

/**
 * `sinetstream_cli ARGS` (theirs, `python -m sinetstream_cli`) or `sinetstream ARGS` (ours,
 * from the sources), in `cwd`, with `input` on stdin; killed after `ms`.
 */
export function run(
  side: Side,
  args: readonly string[],
  options: { cwd: string; input?: string | Buffer; ms?: number },
): Promise<Finished> {
  const [command, ...prefix] =
    side === 'theirs'
      ? [PYTHON, '-m', 'sinetstream_cli']
      : [process.execPath, '--import', import.meta.resolve('tsx'), OURS];
  const child = spawn(command!, [...prefix, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input ?? '');
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.ms ?? 60_000);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout), stderr });
    });
  });
}
