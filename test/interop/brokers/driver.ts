/**
 * Runs scripts/python/broker_driver.py (SINETStream 1.10 from the venv of
 * scripts/python/setup.sh) as one long-lived process speaking JSON lines: one request, one
 * reply, in order. The process runs in the directory of the shared config file.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const REPO = resolve(import.meta.dirname, '../../..');
const VENV = process.env.SINETSTREAM_PY_VENV ?? join(REPO, '.venv/sinetstream');
export const PYTHON = join(VENV, 'bin/python');
const DRIVER = join(REPO, 'scripts/python/broker_driver.py');
const NEEDED = ['sinetstream-mqtt==1.10.0', 'sinetstream-kafka==1.10.0'];

export type PyValue = string | { $binary: string };

export interface PyMessage {
  value: PyValue;
  timestamp_us: number;
  topic: string;
}

export interface PyReply {
  ok: boolean;
  error?: string;
  before_us?: number;
  after_us?: number;
  probes?: number;
  messages?: PyMessage[];
}

export const toPy = (value: string | Uint8Array): PyValue =>
  typeof value === 'string' ? value : { $binary: Buffer.from(value).toString('base64') };

export const fromPy = (value: PyValue): string | Uint8Array =>
  typeof value === 'string' ? value : new Uint8Array(Buffer.from(value.$binary, 'base64'));

/** Fails (never skips) when the venv lacks the broker plugins, naming the setup script. */
export function requireVenv(needed: readonly string[] = NEEDED): void {
  const marker = join(VENV, '.sinetstream-installed');
  const installed = existsSync(marker) ? readFileSync(marker, 'utf8') : '';
  const missing = needed.filter((p) => !installed.split(/\s+/).includes(p));
  if (!existsSync(PYTHON) || missing.length > 0) {
    throw new Error(
      `the SINETStream Python venv at ${VENV} lacks ${existsSync(PYTHON) ? missing.join(', ') : 'everything'}: ` +
        `run scripts/python/setup.sh first (it installs sinetstream and ${needed.join(', ')} from PyPI)`,
    );
  }
}

export class PythonDriver {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending: Array<{ resolve: (reply: PyReply) => void; reject: (e: Error) => void }> = [];
  #stderr = '';
  #broken: Error | undefined;

  /** Starts the driver with `cwd` = the directory of `.sinetstream_config.yml`. */
  constructor(
    readonly name: string,
    cwd: string,
  ) {
    this.#child = spawn(PYTHON, ['-u', DRIVER], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stderr.on('data', (chunk: Buffer) => {
      // Keep the tail: the library logs there, and the tail explains a crash.
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-8000);
    });
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      const waiter = this.#pending.shift();
      if (!waiter) return;
      try {
        waiter.resolve(JSON.parse(line) as PyReply);
      } catch {
        waiter.reject(new Error(`${name}: not a JSON reply: ${line}`));
      }
    });
    const fail = (why: string) => {
      this.#broken ??= new Error(`${name} ${why}; its stderr:\n${this.#stderr}`);
      for (const waiter of this.#pending.splice(0)) waiter.reject(this.#broken);
    };
    this.#child.on('error', (error) => fail(`could not start: ${error.message}`));
    this.#child.stdin.on('error', (error) => fail(`stopped taking requests: ${error.message}`));
    this.#child.on('close', (code, signal) => fail(`exited (${code ?? signal})`));
  }

  /** Sends one request and waits at most `ms` for its reply; a late reply breaks the driver. */
  request(body: Record<string, unknown>, ms: number): Promise<PyReply> {
    if (this.#broken) return Promise.reject(this.#broken);
    return new Promise<PyReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Replies are matched by order: once one is late, the rest cannot be trusted.
        this.#broken = new Error(
          `${this.name}: no reply to ${String(body.op)} within ${ms} ms; its stderr:\n${this.#stderr}`,
        );
        this.#child.kill();
        reject(this.#broken);
      }, ms);
      this.#pending.push({
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#child.stdin.write(`${JSON.stringify(body)}\n`);
    });
  }

  /** Closes stdin (the driver then exits) and kills it if it lingers. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((done) => this.#child.once('close', () => done()));
    this.#child.stdin.end();
    const timer = setTimeout(() => this.#child.kill(), 5000);
    await exited;
    clearTimeout(timer);
  }
}
