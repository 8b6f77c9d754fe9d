import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** The paths `npm publish` would put in the package (dist/ must be built). */
async function packedPaths(): Promise<Set<string>> {
  const { stdout } = await promisify(execFile)(
    'npm',
    ['pack', '--dry-run', '--json', '--ignore-scripts'],
    { cwd: root },
  );
  const [pack] = JSON.parse(stdout) as [{ files: { path: string }[] }];
  return new Set(pack.files.map((file) => file.path));
}

describe('the published package', () => {
  let packed: Set<string>;
  beforeAll(async () => {
    packed = await packedPaths();
  }, 60_000);

  it('holds the sources its source maps point at', () => {
    const maps = [...packed].filter((path) => path.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(10);
    const missing = maps.flatMap((map) => {
      const { sources } = JSON.parse(readFileSync(join(root, map), 'utf8')) as {
        sources: string[];
      };
      return sources
        .map((source) => posix.normalize(posix.join(dirname(map), source)))
        .filter((source) => !packed.has(source));
    });
    expect(missing).toEqual([]);
  });

  it('holds the examples the README points at', () => {
    for (const example of [
      'examples/quickstart/.sinetstream_config.yml',
      'examples/quickstart/quickstart.ts',
      'examples/.sinetstream_config.yml',
      'examples/text/producer.ts',
      'examples/text/consumer.ts',
    ]) {
      expect(packed).toContain(example);
    }
  });
});
