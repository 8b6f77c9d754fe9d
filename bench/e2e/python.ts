/**
 * Python SINETStream 1.10 end to end, through bench/python/e2e_driver.py in the venv
 * scripts/python/setup.sh makes: one process per target and consistency, driven slice by
 * slice so that its slices alternate with ours.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import type { Throughput } from './measure.js';
import type { Consistency, Target } from './targets.js';

const VENV = new URL('../../.venv/sinetstream/', import.meta.url).pathname;
const PYTHON = `${VENV}bin/python`;
const DRIVER = new URL('../python/e2e_driver.py', import.meta.url).pathname;

export interface PythonSide {
  slice(
    mode: 'sequential' | 'windowed',
    size: number,
    ms: number,
    max: number,
    window: number,
  ): Promise<Throughput>;
  close(): Promise<void>;
}

export async function python(
  target: Target,
  consistency: Consistency,
  topic: string,
): Promise<PythonSide> {
  if (!existsSync(PYTHON)) {
    throw new Error(`no Python SINETStream venv at ${VENV}: run \`bash scripts/python/setup.sh\``);
  }
  const child = spawn(
    PYTHON,
    [DRIVER, target.protocol, `${target.host}:${target.port}`, topic, consistency],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${DRIVER} exited with status ${code}`))),
  );
  exited.catch(() => {});
  const ask = askOver(child, lines, exited);
  await ask(undefined);
  return {
    slice: async (mode, size, ms, max, window) => {
      const reply = (await ask({ mode, size, ms, max, window })) as {
        messages: number;
        seconds: number;
        lost: number;
      };
      return { ...reply, cpuUsPerMessage: Number.NaN };
    },
    close: async () => {
      child.stdin!.end();
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Sends a request line (none for the first reply) and resolves with the next reply line. */
function askOver(child: ChildProcess, lines: Interface, exited: Promise<never>) {
  const iterator = lines[Symbol.asyncIterator]();
  return async (request: unknown): Promise<unknown> => {
    if (request !== undefined) child.stdin!.write(`${JSON.stringify(request)}\n`);
    const next = await Promise.race([iterator.next(), exited]);
    if (next.done) throw new Error(`${DRIVER} closed its output`);
    return JSON.parse(next.value);
  };
}
