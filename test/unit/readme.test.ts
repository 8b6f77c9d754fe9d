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

describe('docs/observability.md', () => {
  const doc = readFileSync(join(root, 'docs', 'observability.md'), 'utf8');
  const run = (example: string) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', example], { cwd: root });

  it('shows examples/tracing-console.ts as it is, and its spans share one trace', async () => {
    expect(doc).toContain(readFileSync(join(root, 'examples', 'tracing-console.ts'), 'utf8'));
    const { stdout } = await run('examples/tracing-console.ts');
    const [traceId] = stdout.match(/21\.5 celsius 00-([0-9a-f]{32})-/)?.slice(1) ?? [];
    expect(traceId).toBeDefined();
    expect(stdout).toContain("name: 'send sensors'");
    expect(stdout).toContain("name: 'process sensors'");
    // The send span, the process span, and the process span's parent.
    expect(stdout.split(`traceId: '${traceId}'`).length - 1).toBe(3);
  }, 60_000);

  it('shows examples/metrics-prometheus.ts as it is, and it prints the counts', async () => {
    expect(doc).toContain(readFileSync(join(root, 'examples', 'metrics-prometheus.ts'), 'utf8'));
    const { stdout } = await run('examples/metrics-prometheus.ts');
    expect(stdout).toContain('client_id="sensor-1"} 3');
    expect(stdout).toContain(
      'messaging_client_consumed_messages_total{service="(no config)",type="memory",topic="sensors",client_id="dashboard"} 3',
    );
  }, 60_000);
});
