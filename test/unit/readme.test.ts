import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEmbeddedBroker } from 'sinetstream/broker';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const quickstart = join(root, 'examples', 'quickstart');
const run = promisify(execFile);

/** A directory set up as the README tells a new user: `"type": "module"`, sinetstream and tsx installed. */
function newProject(): string {
  const project = mkdtempSync(join(tmpdir(), 'sinetstream-readme-'));
  writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(root, join(project, 'node_modules', 'sinetstream'), 'dir');
  symlinkSync(join(root, 'node_modules', 'tsx'), join(project, 'node_modules', 'tsx'), 'dir');
  return project;
}

describe('README quick start', () => {
  const config = readFileSync(join(quickstart, '.sinetstream_config.yml'), 'utf8');
  const program = readFileSync(join(quickstart, 'quickstart.ts'), 'utf8');

  it('shows the config file and the program of examples/quickstart/ as they are', () => {
    expect(readme).toContain(`\`\`\`yaml\n${config}\`\`\``);
    expect(readme).toContain(`\`\`\`ts\n${program}\`\`\``);
    expect(config).toContain('brokers: "127.0.0.1:1883"');
  });

  it('prints what the README says, run as the README says in a new project', async () => {
    const printed = /It prints:\n\n```console\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(printed).toBeDefined();
    // Port 1883 may be taken on a test machine: the same file, pointed at a broker of our own.
    const broker = await startEmbeddedBroker({ port: 0 });
    const project = newProject();
    try {
      writeFileSync(
        join(project, '.sinetstream_config.yml'),
        config.replace('127.0.0.1:1883', `127.0.0.1:${broker.port}`),
      );
      writeFileSync(join(project, 'quickstart.ts'), program);
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'quickstart.ts'], {
        cwd: project,
      });
      expect(stdout).toBe(printed);
    } finally {
      rmSync(project, { recursive: true, force: true });
      await broker.close();
    }
  }, 60_000);

  it("require('sinetstream') works, as the README says", async () => {
    const project = newProject();
    try {
      const { stdout } = await run(
        process.execPath,
        ['-e', "console.log(typeof require('sinetstream').MessageWriter)"],
        { cwd: project },
      );
      expect(stdout).toBe('function\n');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
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
