import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { isMapping } from './values.js';

const SUFFIX = '_data';

/**
 * `*_data` keys carry a file's content inline (`ca_certs_data: <PEM>`). Clients want a
 * path, so each is written to a file readable only by this user, in a private directory
 * that `remove()` deletes when the reader or writer closes.
 */
export class InlineFiles {
  #directory: string | undefined;
  #count = 0;

  /**
   * A copy of `values` where every `X_data` became `X: <path of a file with that content>`;
   * an `X_data` beats an `X` beside it.
   */
  materialize<T extends Readonly<Record<string, unknown>>>(values: T, where = ''): T {
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      if (isMapping(value)) {
        result[key] = this.materialize(value, `${where}${key}.`);
      } else if (key.endsWith(SUFFIX) && key.length > SUFFIX.length) {
        result[key.slice(0, -SUFFIX.length)] = this.#write(value, `${where}${key}`);
      } else if (!(`${key}${SUFFIX}` in values)) {
        result[key] = value;
      }
    }
    return result as T;
  }

  #write(content: unknown, where: string): string {
    if (typeof content !== 'string' && !(content instanceof Uint8Array)) {
      throw new InvalidArgumentError(`${where}: expected text or !!binary data`);
    }
    this.#directory ??= mkdtempSync(join(tmpdir(), 'sinetstream-'));
    this.#count += 1;
    const path = join(this.#directory, `inline-${this.#count}.tmp`);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  }

  remove(): void {
    if (this.#directory === undefined) return;
    rmSync(this.#directory, { recursive: true, force: true });
    this.#directory = undefined;
  }
}
