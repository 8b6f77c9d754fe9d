/**
 * In Chromium: the browser build's encoder and decoder against Python SINETStream 1.10, both
 * directions, over the interop matrix (test/interop/matrix.ts) less its password-file cases.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { commands } from 'vitest/browser';
import {
  createMessageDecoder,
  createMessageEncoder,
  InvalidArgumentError,
  InvalidMessageError,
} from '../../src/index.js';
import { codecOptions, pythonReaderParams } from '../interop/python-params.js';
import { fromBase64, fromJson, toBase64, toHex } from './bytes.js';
import type { BrowserCase, PyReply } from './vectors.js';

type Params = Record<string, unknown>;

function comparable(value: unknown): unknown {
  if (value instanceof Uint8Array) return `bytes:${toHex(value)}`;
  if (typeof value === 'object' && value !== null) return comparable(fromJson(value));
  return value;
}

const matrix: BrowserCase[] = inject('interopCases');
// Parsed once per parameter set, so each stands for one long-lived writer or reader.
const parsed = new Map<Params, Params>();
const paramsOf = (json: Params) => {
  if (!parsed.has(json)) parsed.set(json, fromJson(json) as Params);
  return parsed.get(json)!;
};
const encoders = new Map<string, ReturnType<typeof createMessageEncoder<unknown>>>();
const decoders = new Map<string, ReturnType<typeof createMessageDecoder<unknown>>>();
const encoderFor = (json: Params) => {
  const key = JSON.stringify(json);
  if (!encoders.has(key)) encoders.set(key, createMessageEncoder(codecOptions(paramsOf(json))));
  return encoders.get(key)!;
};
const decoderFor = (json: Params) => {
  const key = JSON.stringify(json);
  if (!decoders.has(key)) decoders.set(key, createMessageDecoder(codecOptions(paramsOf(json))));
  return decoders.get(key)!;
};
const PYTHON_BATCH = 60;
const tally = { pythonToBrowser: 0, browserToPython: 0, wrongSecret: 0 };

afterAll(() => {
  console.log(
    `browser interop matrix (Chromium): ${matrix.length} cases per direction; python->browser ${tally.pythonToBrowser}/${matrix.length}, ` +
      `browser->python ${tally.browserToPython}/${matrix.length}, wrong secret rejected ${tally.wrongSecret}`,
  );
});

describe('SINETStream 1.10 (Python) encodes, the browser decodes', () => {
  it.each(matrix.map((c, i) => [c.name, i] as const))('%s', async (_name, i) => {
    const c = matrix[i]!;
    expect(c.python.error).toBeUndefined();
    const decoded = await (await decoderFor(c.readerParams)).decode(fromBase64(c.python.bytes!));
    expect(comparable(decoded.value)).toEqual(comparable(c.value));
    if (c.params.user_data_only !== true) expect(decoded.timestampUs).toBe(c.timestampUs);
    tally.pythonToBrowser++;
  });
});

/**
 * What a browser writer refuses, as docs/browser.md says: zstd frame flags (checksum, content
 * size, dictionary id, threads: zstd-wasm writes frames its own way) and gzip windows other
 * than 32 KiB (fflate's only one).
 */
function refusedInBrowser(params: Params): string | undefined {
  const compression = params.compression as Params | undefined;
  const zstd = compression?.zstd as Params | undefined;
  const flags = ['write_checksum', 'write_content_size', 'write_dict_id', 'threads'];
  if (flags.some((key) => zstd?.[key] !== undefined)) return 'compression.zstd';
  const wbits = (compression?.gzip as Params | undefined)?.wbits as number | undefined;
  if (wbits !== undefined && ![15, -15, 31].includes(wbits)) return 'compression.gzip.wbits';
  return undefined;
}

describe('the browser encodes, SINETStream 1.10 (Python) decodes', () => {
  const replies: PyReply[] = [];
  const lengths: number[] = [];
  const refusals: unknown[] = [];
  beforeAll(async () => {
    const requests = await Promise.all(
      matrix.map(async (c, at) => {
        let bytes: Uint8Array;
        try {
          bytes = (await encoderFor(c.params)).encode(fromJson(c.value), {
            timestamp: c.timestampUs / 1e6,
          });
        } catch (error) {
          refusals[at] = error;
          bytes = new Uint8Array(0);
        }
        lengths[at] = bytes.length;
        return {
          op: 'decode' as const,
          params: pythonReaderParams(c.readerParams),
          bytes: toBase64(bytes),
        };
      }),
    );
    // In batches: one message to Node per batch stays a few MB at most.
    for (let at = 0; at < requests.length; at += PYTHON_BATCH) {
      replies.push(...(await commands.python(requests.slice(at, at + PYTHON_BATCH))));
    }
  }, 180_000);

  it.each(matrix.map((c, i) => [c.name, i] as const))('%s', async (_name, i) => {
    const c = matrix[i]!;
    const replied = replies[i]!;
    const refused = refusedInBrowser(c.params);
    if (refused) {
      expect(refusals[i]).toBeInstanceOf(InvalidArgumentError);
      expect(String(refusals[i])).toContain(refused);
    } else if (c.params.user_data_only === true && lengths[i] === 0) {
      // An empty user_data_only message is zero bytes, which Python's reader cannot be handed.
      expect(comparable(c.value)).toMatch(/^(bytes:)?$/);
    } else {
      expect(replied.error).toBeUndefined();
      expect(comparable(replied.value)).toEqual(comparable(c.value));
      if (c.params.user_data_only !== true) expect(replied.timestamp_us).toBe(c.timestampUs);
    }
    tally.browserToPython++;
  });
});

describe('a wrong password in the browser', () => {
  const encrypted = matrix.filter(
    (c) => c.params.data_encryption === true && c.name.endsWith('bytes-1B'),
  );
  it.each(encrypted.map((c) => [c.name, c] as const))(
    '%s: InvalidMessageError, not garbage',
    async (_name, c) => {
      const { password: _p, key: _k, _keys, ...crypto } = c.readerParams.crypto as Params;
      const decoder = await createMessageDecoder(
        codecOptions(paramsOf({ ...c.readerParams, crypto: { ...crypto, password: 'wrong' } })),
      );
      await expect(decoder.decode(fromBase64(c.python.bytes!))).rejects.toThrow(
        InvalidMessageError,
      );
      tally.wrongSecret++;
    },
  );
});
