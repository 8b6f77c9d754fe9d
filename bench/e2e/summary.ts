/**
 * The figures the report shows, from the raw slices: medians per side, and ratios taken
 * round by round (each ratio from two slices that ran back to back) then their median.
 */
import { median, percentile, type Throughput } from './measure.js';
import type { CaseResult, SideName } from './run.js';

export interface SideFigures {
  msgPerSecond: number;
  mibPerSecond: number;
  cpuUsPerMessage: number;
  lost: number;
}

export interface CaseSummary {
  result: CaseResult;
  sides: Partial<Record<SideName, SideFigures>>;
  /**
   * ours/raw, windowed and sequential; ours/Python; ours windowed / producer tool; ours
   * windowed / raw with no window of its own.
   */
  ratios: {
    raw: number;
    rawMax: number;
    rawSequential: number;
    python: number;
    pythonSequential: number;
    limit: number;
  };
  latency: {
    ours: { p50: number; p99: number; p999: number };
    raw: { p50: number; p99: number; p999: number };
  };
}

const rate = (t: Throughput) => (t.seconds > 0 ? t.messages / t.seconds : 0);

function figures(slices: readonly Throughput[], size: number): SideFigures {
  const perSecond = median(slices.map(rate));
  return {
    msgPerSecond: perSecond,
    mibPerSecond: (perSecond * size) / 2 ** 20,
    cpuUsPerMessage: median(slices.map((t) => t.cpuUsPerMessage)),
    lost: slices.reduce((sum, t) => sum + t.lost, 0),
  };
}

function ratio(result: CaseResult, ours: SideName, other: SideName): number {
  const a = result.throughput[ours];
  const b = result.throughput[other];
  if (!a || !b) return Number.NaN;
  return median(a.map((slice, i) => rate(slice) / rate(b[i]!)));
}

function percentiles(values: readonly number[]) {
  return {
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    p999: percentile(values, 99.9),
  };
}

export function summarize(result: CaseResult): CaseSummary {
  const sides: CaseSummary['sides'] = {};
  for (const [name, slices] of Object.entries(result.throughput)) {
    sides[name as SideName] = figures(slices, result.size);
  }
  const win = sides['ours win']?.msgPerSecond ?? Number.NaN;
  return {
    result,
    sides,
    ratios: {
      raw: ratio(result, 'ours win', 'raw win'),
      rawMax: ratio(result, 'ours win', 'raw max'),
      rawSequential: ratio(result, 'ours seq', 'raw seq'),
      python: ratio(result, 'ours win', 'python win'),
      pythonSequential: ratio(result, 'ours seq', 'python seq'),
      limit: result.limit ? win / result.limit.producer.msgPerSecond : Number.NaN,
    },
    latency: { ours: percentiles(result.latency.ours), raw: percentiles(result.latency.raw) },
  };
}
