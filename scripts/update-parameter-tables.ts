/**
 * Rewrites the parameter tables of docs/<broker>.md from the plugins' declarations (the
 * unit test `parameter tables` fails until they agree): `npm run docs:parameters`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parameterTable } from '../src/cli/parameters.js';
import { createRegistry } from '../src/plugins/builtins.js';

export const PARAMETER_DOCS: Readonly<Record<string, string>> = {
  mqtt: 'docs/mqtt.md',
  kafka: 'docs/kafka.md',
  'amqp-0.9.1': 'docs/amqp.md',
  'amqp-1.0': 'docs/amqp.md',
  s3: 'docs/s3.md',
};

/** Where the table of `type` sits in `text`: between its marker line and the end marker. */
export function tableSpan(text: string, type: string): [number, number] {
  const marker = text.indexOf(`<!-- parameters: ${type} `);
  if (marker < 0) throw new Error(`no "<!-- parameters: ${type} ..." marker`);
  return [text.indexOf('\n', marker) + 1, text.indexOf('\n<!-- /parameters', marker)];
}

if (import.meta.main) {
  const registry = createRegistry();
  for (const [type, file] of Object.entries(PARAMETER_DOCS)) {
    const path = resolve(import.meta.dirname, '..', file);
    const text = readFileSync(path, 'utf8');
    const [start, end] = tableSpan(text, type);
    const declarations = (await registry.broker(type)).parameters ?? {};
    writeFileSync(path, text.slice(0, start) + parameterTable(declarations) + text.slice(end));
  }
}
