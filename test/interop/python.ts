/** Runs scripts/python/interop_driver.py in the venv scripts/python/setup.sh creates. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll } from 'vitest';
import type { Params } from './matrix.js';

const REPO = resolve(import.meta.dirname, '../..');
const VENV = process.env.SINETSTREAM_PY_VENV ?? join(REPO, '.venv/sinetstream');
const PYTHON = join(VENV, 'bin/python');
const DRIVER = join(REPO, 'scripts/python/interop_driver.py');

export type PyValue = string | { $binary: string };

export interface PyRequest {
  op: 'encode' | 'decode';
  params: Params;
  value?: PyValue;
  timestamp_us?: number;
  bytes?: string;
}

export interface PyReply {
  ok: boolean;
  error?: string;
  bytes?: string;
  value?: PyValue;
  timestamp_us?: number;
}

/** JSON has no bytes: Uint8Array becomes {$binary: base64}, as the driver expects. */
export function toPy(x: unknown): unknown {
  if (x instanceof Uint8Array) return { $binary: Buffer.from(x).toString('base64') };
  if (Array.isArray(x)) return x.map(toPy);
  if (typeof x === 'object' && x !== null) {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, toPy(v)]));
  }
  return x;
}

export function fromPy(value: PyValue | undefined): string | Uint8Array | undefined {
  if (value === undefined || typeof value === 'string') return value;
  return Buffer.from(value.$binary, 'base64');
}

/** Sends every request to one Python process and returns its replies in order. */
export async function runPython(requests: readonly PyRequest[]): Promise<PyReply[]> {
  if (!existsSync(PYTHON)) {
    throw new Error(
      `no SINETStream Python venv at ${VENV}: run scripts/python/setup.sh first (it installs sinetstream==1.10.0 from PyPI)`,
    );
  }
  const child = spawn(PYTHON, [DRIVER], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const exited = new Promise<number | null>((done, fail) => {
    child.on('error', fail);
    child.on('close', done);
  });
  child.stdin.end(`${requests.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const code = await exited;
  const lines = Buffer.concat(out).toString('utf8').split('\n').filter(Boolean);
  if (code !== 0 || lines.length !== requests.length) {
    throw new Error(
      `interop driver exited ${code} after ${lines.length}/${requests.length} replies:\n${Buffer.concat(err).toString('utf8')}`,
    );
  }
  return lines.map((line) => JSON.parse(line) as PyReply);
}

/**
 * Runs the Python side once for the enclosing describe block. A failure there (no venv, say)
 * fails every case with its message rather than leaving them skipped.
 */
export function pythonBatch(build: () => Promise<PyRequest[]>): (index: number) => PyReply {
  let replies: PyReply[] = [];
  let failure: unknown;
  beforeAll(async () => {
    try {
      replies = await runPython(await build());
    } catch (error) {
      failure = error;
    }
  }, 120_000);
  return (index) => {
    if (failure) throw failure;
    return replies[index]!;
  };
}
