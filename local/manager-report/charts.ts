import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { ReportData } from './data.js';

/**
 * The report's charts as Vega-Lite specifications, rendered to SVG strings at build time by
 * vega-lite (compile) and vega (a headless View, no canvas, no browser). Each chart is one function
 * from the report's numbers to a spec; `renderChart` draws any of them.
 */
type Spec = vl.TopLevelSpec;

const WIDTH = 560;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const config = {
  font: FONT,
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0 },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom', labelLimit: 0 },
  view: { stroke: null },
} as const;

export async function renderChart(spec: Spec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Loans reaching, contacted at, and cured after each stage, side by side. */
export function funnelSpec(data: ReportData): Spec {
  const values = data.funnel.flatMap((r) => [
    { stage: r.stage, measure: '1 reached', loans: r.reached },
    { stage: r.stage, measure: '2 contacted', loans: r.contacted },
    { stage: r.stage, measure: '3 cured after', loans: r.curedAfter },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height: 220,
    config,
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'stage', type: 'nominal', sort: data.funnel.map((r) => r.stage), title: 'stage' },
      xOffset: { field: 'measure', type: 'nominal' },
      y: { field: 'loans', type: 'quantitative', title: 'loans' },
      color: {
        field: 'measure',
        type: 'nominal',
        title: null,
        scale: { range: ['#9db4d0', '#2f6db5', '#2e9e5b'] },
        legend: { labelExpr: 'slice(datum.label, 2)' },
      },
    },
  };
}

/** Cumulative share of loans cured and settled by day past due. */
export function cureCurveSpec(data: ReportData): Spec {
  const values = data.curve.flatMap((p) => [
    { dpd: p.dpd, outcome: 'cured (paid in full)', share: p.cured },
    { dpd: p.dpd, outcome: 'settled (agreement fulfilled)', share: p.settled },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height: 200,
    config,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
    encoding: {
      x: {
        field: 'dpd',
        type: 'quantitative',
        title: 'days past due',
        axis: { values: [0, 30, 60, 90, 120] },
      },
      y: { field: 'share', type: 'quantitative', title: 'share of loans', axis: { format: '%' } },
      color: { field: 'outcome', type: 'nominal', title: null, scale: { range: ['#2e9e5b', '#c07a1a'] } },
    },
  };
}

/** A rate per category with its 95% interval as a rule across the bar. */
function rateWithInterval(
  values: Array<{ label: string; rate: number; low: number; high: number }>,
  title: string,
  color: string,
): Spec {
  const x = { field: 'label', type: 'nominal' as const, sort: values.map((v) => v.label), title: null };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH / 2 - 30,
    height: 180,
    config,
    data: { values },
    layer: [
      {
        mark: { type: 'bar', color, tooltip: true },
        encoding: { x, y: { field: 'rate', type: 'quantitative', title, axis: { format: '%' } } },
      },
      {
        mark: { type: 'rule', color: '#222', strokeWidth: 1.5 },
        encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
      },
    ],
  };
}

/** Cure rate within each delinquency bucket, with Wilson 95% intervals. */
export function bucketCureSpec(data: ReportData): Spec {
  const values = data.cures.flatMap((c) =>
    c.cureRate === null || !c.cureInterval
      ? []
      : [{ label: c.bucket, rate: c.cureRate, low: c.cureInterval.low, high: c.cureInterval.high }],
  );
  return rateWithInterval(values, 'cured within the bucket', '#2e9e5b');
}

/** Roll rate from each bucket into the next, with Wilson 95% intervals. */
export function rollRateSpec(data: ReportData): Spec {
  const values = data.rolls.flatMap((r) =>
    r.rate === null || !r.interval
      ? []
      : [{ label: `${r.from} → ${r.to}`, rate: r.rate, low: r.interval.low, high: r.interval.high }],
  );
  return rateWithInterval(values, 'rolled into the next bucket', '#b5452f');
}

/** Blocked attempts by compliance rule. */
export function blocksSpec(data: ReportData): Spec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height: { step: 22 },
    config,
    data: { values: data.blocks },
    mark: { type: 'bar', color: '#8a5cc2', tooltip: true },
    encoding: {
      y: { field: 'rule', type: 'nominal', sort: '-x', title: null },
      x: {
        field: 'attempts',
        type: 'quantitative',
        title: 'blocked attempts',
        axis: { tickMinStep: 1, format: 'd' },
      },
    },
  };
}

/** Each arm's cure rate as a point on its Wilson 95% interval. */
export function armsSpec(data: ReportData): Spec | null {
  const e = data.experiment;
  if (!e) return null;
  const values = [e.champion, e.challenger].map((a) => ({
    arm: `${a.arm} (${a.policy})`,
    rate: a.cureRate ?? 0,
    low: a.cureInterval?.low ?? 0,
    high: a.cureInterval?.high ?? 0,
  }));
  const y = { field: 'arm', type: 'nominal' as const, title: null };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height: { step: 36 },
    config,
    data: { values },
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 2, color: '#555' },
        encoding: {
          y,
          x: {
            field: 'low',
            type: 'quantitative',
            scale: { domain: [0, 1] },
            title: 'cure rate (95% Wilson interval)',
            axis: { format: '%' },
          },
          x2: { field: 'high' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 90, tooltip: true },
        encoding: {
          y,
          x: { field: 'rate', type: 'quantitative' },
          color: { field: 'arm', type: 'nominal', legend: null, scale: { range: ['#2f6db5', '#c07a1a'] } },
        },
      },
    ],
  };
}

/** Every chart of the report, by name, as SVG (the arms' only when the run had an experiment). */
export async function renderCharts(data: ReportData): Promise<Record<string, string>> {
  const specs: Array<[string, Spec | null]> = [
    ['funnel', funnelSpec(data)],
    ['curve', cureCurveSpec(data)],
    ['bucketCures', bucketCureSpec(data)],
    ['rolls', rollRateSpec(data)],
    ['blocks', data.blocks.length > 0 ? blocksSpec(data) : null],
    ['arms', armsSpec(data)],
  ];
  const out: Record<string, string> = {};
  for (const [name, spec] of specs) if (spec) out[name] = await renderChart(spec);
  return out;
}
