/**
 * Runs in Node before the browser tests: Python SINETStream 1.10 encodes every case of the
 * interop matrix that a browser can take (no password files), and the page gets the vectors.
 */
import type { TestProject } from 'vitest/node';
import { cases } from '../interop/matrix.js';
import { runPython, toPy } from '../interop/python.js';
import { pythonWriterParams } from '../interop/python-params.js';
import type { BrowserCase } from './vectors.js';

/** A browser reads no files: the `password: {path}` cases stay Node-only. */
function readsFiles(params: Record<string, unknown>): boolean {
  const crypto = params.crypto as { password?: { path?: unknown } } | undefined;
  return crypto?.password?.path !== undefined;
}

export default async function setup(project: TestProject): Promise<void> {
  const chosen = cases().filter((c) => !readsFiles(c.params));
  const replies = await runPython(
    chosen.map((c) => ({
      op: 'encode',
      params: toPy(pythonWriterParams(c.params)) as Record<string, unknown>,
      value: toPy(c.value) as string,
      timestamp_us: c.timestampUs,
    })),
  );
  const vectors: BrowserCase[] = chosen.map((c, i) => ({
    name: c.name,
    params: toPy(c.params) as Record<string, unknown>,
    readerParams: toPy(c.readerParams) as Record<string, unknown>,
    value: toPy(c.value) as BrowserCase['value'],
    timestampUs: c.timestampUs,
    python: replies[i]!,
  }));
  project.provide('interopCases', vectors);
}
