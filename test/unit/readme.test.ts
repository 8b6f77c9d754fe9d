import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

describe('README', () => {
  it('shows examples/quickstart.ts as it is, and it runs as written', async () => {
    const example = readFileSync(join(root, 'examples', 'quickstart.ts'), 'utf8');
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(example);
    // `sinetstream` resolves to this package itself through its exports (built to dist/).
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'examples/quickstart.ts'],
      {
        cwd: root,
      },
    );
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^topic-1 \d{10}\.\d+ hello, SINETStream$/);
    expect(lines[1]).toMatch(/^topic-1 \d{10}\.\d+ from TypeScript$/);
  }, 60_000);
});
