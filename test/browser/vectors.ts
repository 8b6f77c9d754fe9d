/**
 * The interop matrix as the browser tests receive it: JSON, with bytes as {$binary: base64}
 * (test/interop/python.ts's form), and the bytes Python SINETStream 1.10 encoded for each case.
 */
import type { PyReply, PyRequest, PyValue } from '../interop/python.js';

export interface BrowserCase {
  readonly name: string;
  /** Writer and reader parameters, as the Python driver takes them. */
  readonly params: Record<string, unknown>;
  readonly readerParams: Record<string, unknown>;
  readonly value: PyValue;
  readonly timestampUs: number;
  /** What Python wrote for this case (base64), or its error. */
  readonly python: PyReply;
}

export type { PyReply, PyRequest, PyValue };

declare module 'vitest' {
  export interface ProvidedContext {
    interopCases: BrowserCase[];
  }
}

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** Runs the requests through Python SINETStream 1.10 in Node (test/interop/python.ts). */
    python: (requests: PyRequest[]) => Promise<PyReply[]>;
  }
}
