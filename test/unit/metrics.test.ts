import { describe, expect, it } from 'vitest';
import { MetricsRecorder } from '../../src/metrics/index.js';

describe('metrics', () => {
  it('computes totals, sizes, rates and the compression ratio', () => {
    let now = 10_000;
    const recorder = new MetricsRecorder(() => now);
    now = 12_000;
    recorder.recordMessage(100, 40, 80);
    now = 14_000;
    recorder.recordMessage(300, 60, 120);
    recorder.recordError();
    const m = recorder.snapshot({ from: 'plugin' });
    expect(m).toMatchObject({
      startTime: 10,
      startTimeMs: 10_000,
      endTime: 14,
      endTimeMs: 14_000,
      time: 4,
      timeMs: 4_000,
      msgCountTotal: 2,
      msgCountRate: 0.5,
      msgBytesTotal: 400,
      msgBytesRate: 100,
      msgSizeMin: 100,
      msgSizeAvg: 200,
      msgSizeMax: 300,
      msgCompressedBytesTotal: 100,
      msgUncompressedBytesTotal: 200,
      msgCompressionRatio: 0.5,
      errorCountTotal: 1,
      errorCountRate: 0.25,
      raw: { from: 'plugin' },
    });
  });

  it('has zero rates when no time has passed, and no sizes before a message', () => {
    const recorder = new MetricsRecorder(() => 5_000);
    recorder.recordError();
    const m = recorder.snapshot(undefined);
    expect(m.time).toBe(0);
    expect(m.errorCountRate).toBe(0);
    expect(m.msgCountRate).toBe(0);
    expect(m.msgSizeMin).toBeUndefined();
    expect(m.msgSizeMax).toBeUndefined();
    expect(m.msgSizeAvg).toBe(0);
    expect(m.msgCompressionRatio).toBe(1);
  });

  it('starts again from zero on reset', () => {
    let now = 0;
    const recorder = new MetricsRecorder(() => now);
    recorder.recordMessage(10, 10, 10);
    now = 1_000;
    recorder.reset();
    expect(recorder.snapshot(undefined)).toMatchObject({
      msgCountTotal: 0,
      startTimeMs: 1_000,
      timeMs: 0,
    });
  });
});
