/**
 * The report's charts: Vega-Lite specs compiled and rendered to SVG by vega in Node (no
 * browser, no canvas).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { SIDES } from './run.js';
import type { CaseSummary } from './summary.js';

async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const sizeLabel = (size: number) => (size >= 1024 ? `${size / 1024} KiB` : `${size} B`);

/** Median msg/s per side, by payload size, one panel per broker and consistency. */
export function throughputChart(summaries: readonly CaseSummary[]): Promise<string> {
  const values = summaries.flatMap((s) =>
    Object.entries(s.sides).map(([side, f]) => ({
      broker: s.result.target,
      consistency: s.result.consistency,
      size: sizeLabel(s.result.size),
      order: s.result.size,
      side,
      rate: Math.round(f.msgPerSecond),
    })),
  );
  return toSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: {
      row: { field: 'broker', type: 'nominal', title: null },
      column: { field: 'consistency', type: 'nominal', title: null },
    },
    spec: {
      width: 260,
      height: 140,
      mark: 'bar',
      encoding: {
        x: { field: 'size', type: 'ordinal', sort: { field: 'order' }, title: 'payload' },
        xOffset: { field: 'side', type: 'nominal', sort: [...SIDES] },
        y: { field: 'rate', type: 'quantitative', title: 'msg/s', scale: { type: 'sqrt' } },
        // Ours, raw and Python in one hue family each, sequential lighter than windowed.
        color: {
          field: 'side',
          type: 'nominal',
          title: 'side',
          sort: [...SIDES],
          scale: { range: ['#9ecae1', '#fdae6b', '#a1d99b', '#3182bd', '#e6550d', '#31a354'] },
        },
        tooltip: [{ field: 'side' }, { field: 'rate' }],
      },
    },
    resolve: { scale: { y: 'independent' } },
  });
}

/** Round-trip latency percentiles, ours against raw, per broker and size. */
export function latencyChart(summaries: readonly CaseSummary[]): Promise<string> {
  const values = summaries.flatMap((s) =>
    (['ours', 'raw'] as const).flatMap((side) =>
      (['p50', 'p99', 'p999'] as const).map((p) => ({
        broker: `${s.result.target} ${s.result.consistency === 'AT_MOST_ONCE' ? 'AMO' : 'ALO'}`,
        size: sizeLabel(s.result.size),
        order: s.result.size,
        percentile: p === 'p999' ? 'p99.9' : p,
        side,
        ms: Number(s.latency[side][p].toFixed(3)),
      })),
    ),
  );
  return toSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: {
      row: { field: 'broker', type: 'nominal', title: null },
      column: { field: 'size', type: 'ordinal', sort: { field: 'order' }, title: null },
    },
    spec: {
      width: 180,
      height: 100,
      mark: 'bar',
      encoding: {
        x: { field: 'percentile', type: 'ordinal', title: null },
        xOffset: { field: 'side', type: 'nominal' },
        y: { field: 'ms', type: 'quantitative', title: 'ms', scale: { type: 'log' } },
        color: { field: 'side', type: 'nominal' },
      },
    },
    resolve: { scale: { y: 'independent' } },
  });
}
