/**
 * `info()` and the generated client id, ours against SINETStream 1.10 (Python): the same
 * keys (camelCased), the same answer for an unknown name, ids of the same form.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_ID, MessageWriter } from '../../src/index.js';
import { type PyReply, runPython } from './python.js';

const UUID4_ID =
  /^sinetstream-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

describe('info() and DEFAULT_CLIENT_ID, as SINETStream 1.10 (Python)', () => {
  let python: PyReply;
  beforeAll(async () => {
    [python] = (await runPython([{ op: 'info' }])) as [PyReply];
  }, 60_000);

  it('has the same keys, camelCased, with the service type last', () => {
    expect(python.error).toBeUndefined();
    const writer = new MessageWriter({ noConfig: true, type: 'memory', topic: 't' });
    const ours = Object.keys(writer.info() as object);
    const theirs = python.keys!.map((key) => (key === 'iostream' ? 'memory' : camel(key)));
    expect(ours).toEqual(theirs);
  });

  it('gives nothing for a name it does not know (Python None)', () => {
    expect(python.unknown).toBeNull();
    const writer = new MessageWriter({ noConfig: true, type: 'memory', topic: 't' });
    expect(writer.info('nothing')).toBeUndefined();
  });

  it('generates client ids of the same form: sinetstream-<uuid4>', () => {
    expect(python.client_id).toMatch(UUID4_ID);
    const writer = new MessageWriter({
      noConfig: true,
      type: 'memory',
      topic: 't',
      clientId: DEFAULT_CLIENT_ID,
    });
    expect(writer.info('client_id')).toMatch(UUID4_ID);
  });
});
