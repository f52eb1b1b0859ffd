import type { ReportData } from './data.js';
import type { Interval } from './intervals.js';

/**
 * The manager's report as one self-contained HTML page: inline CSS and the charts' inline SVG, no
 * script, no font or image from anywhere (it opens offline). Text comes from the report's numbers,
 * identifiers and reason codes only, each escaped.
 */
const esc = (s: string | number) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)}%`;
const range = (i: Interval | null) => (i ? `${pct(i.low)} – ${pct(i.high)}` : '–');
const num = (x: number | null, digits = 2) => (x === null ? '–' : x.toFixed(digits));
const usd = (x: number | null) => (x === null ? '–' : `$${x < 1 ? x.toFixed(4) : x.toFixed(2)}`);

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.15rem;margin:0 0 10px}
.sub{color:#56607a;margin:0 0 18px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px;margin-bottom:18px}
.card{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:12px 14px}
.card b{display:block;font-size:1.35rem}.card span{color:#56607a;font-size:.85rem}
section{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:16px 18px;margin-bottom:16px}
.row{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}.row>div{flex:1 1 500px}
table{border-collapse:collapse;font-size:.86rem;margin-top:8px}
th,td{border-bottom:1px solid #e6e9ef;padding:4px 10px;text-align:right}
th:first-child,td:first-child{text-align:left}th{color:#56607a;font-weight:600}
.verdict{font-size:1.02rem;border-left:4px solid #2f6db5;padding:6px 12px;background:#f0f5fb}
.note{color:#56607a;font-size:.82rem;line-height:1.45}
figure{margin:0}figure svg{max-width:100%;height:auto}
`;

const table = (head: string[], rows: Array<Array<string | number>>) =>
  `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

const figure = (name: string, svg: string | undefined) =>
  svg ? `<figure class="chart" data-chart="${esc(name)}">${svg}</figure>` : '';

function summaryCards(d: ReportData): string {
  const o = d.overall;
  const cards: Array<[string, string]> = [
    [String(d.run.loans), 'loans'],
    [`${pct(o.cureRate)}`, `cured (95% CI ${range(o.cureInterval)})`],
    [num(o.contactsPerCure), 'contacts per cure'],
    [usd(o.costPerCureUSD), 'estimated AWS cost per cure'],
    [usd(o.costUSD), 'estimated AWS cost of the run'],
  ];
  return `<div class="cards">${cards.map(([v, l]) => `<div class="card"><b>${esc(v)}</b><span>${esc(l)}</span></div>`).join('')}</div>`;
}

function funnelSection(d: ReportData, charts: Record<string, string>): string {
  const rows = d.funnel.map((r) => [
    r.stage,
    r.reached,
    r.contacted,
    r.contacts,
    Object.entries(r.blocked)
      .map(([why, n]) => `${n} ${why}`)
      .join(', ') || '–',
    r.curedAfter,
  ]);
  return `<section id="funnel"><h2>Funnel by stage</h2>${figure('funnel', charts.funnel)}
${table(['stage', 'loans reached', 'loans contacted', 'contacts', 'blocked (attempts, by rule)', 'cured after'], rows)}
<p class="note">Reached: loans with an attempt at the stage (sent, requested, blocked, deferred or failed; a skipped pre-due reminder is not). Cured after: loans paid in full whose last contact was at the stage.</p></section>`;
}

function delinquencySection(d: ReportData, charts: Record<string, string>): string {
  const cures = d.cures.map((c) => [c.bucket, c.reached, c.cured, pct(c.cureRate), range(c.cureInterval)]);
  const rolls = d.rolls.map((r) => [
    `${r.from} → ${r.to}`,
    r.from_n,
    r.rolled,
    pct(r.rate),
    range(r.interval),
  ]);
  return `<section id="cures"><h2>Cure rate by days past due</h2>${figure('curve', charts.curve)}
<div class="row"><div>${figure('bucketCures', charts.bucketCures)}
${table(['bucket (days past due)', 'loans reaching it', 'cured in it', 'cure rate', '95% interval'], cures)}</div>
<div id="rolls">${figure('rolls', charts.rolls)}
${table(['roll', 'loans', 'rolled', 'roll rate', '95% interval'], rolls)}</div></div>
<p class="note">A loan reaches a bucket when it is still unpaid on the bucket's first day past due (counted from the due date's midnight UTC). A loan leaves when it is cured, settled or closed; one handed over or still open stays delinquent to the end of the run. Roll rate: the share of loans in a bucket that reach the next ("current" is every loan).</p></section>`;
}

function blocksSection(d: ReportData, charts: Record<string, string>): string {
  const body =
    d.blocks.length === 0
      ? '<p>No contact was blocked by a rule in this run.</p>'
      : `${figure('blocks', charts.blocks)}${table(
          ['rule', 'blocked attempts', 'loans'],
          d.blocks.map((b) => [b.rule, b.attempts, b.loans]),
        )}`;
  return `<section id="blocks"><h2>Compliance blocks by rule</h2>${body}
<p class="note">Each blocked attempt is in the ledger with the rule that blocked it and the rule pack's version (<code>npx ladder audit compliance</code> re-checks every contact that was sent).</p></section>`;
}

function experimentSection(d: ReportData, charts: Record<string, string>): string {
  const e = d.experiment;
  if (!e)
    return '<section id="experiment"><h2>Champion and challenger</h2><p>This run had no experiment (a policy\'s <code>experiment</code> names a challenger and its share of loans).</p></section>';
  const rows = [e.champion, e.challenger].map((a) => [
    `${a.arm} (${a.policy})`,
    a.loans,
    a.cured,
    pct(a.cureRate),
    range(a.cureInterval),
    num(a.contactsPerCure),
    usd(a.costPerCureUSD),
  ]);
  return `<section id="experiment"><h2>Champion and challenger</h2>
<p class="verdict">${esc(e.verdict)}</p>${figure('arms', charts.arms)}
${table(['arm (policy)', 'loans', 'cured', 'cure rate', '95% interval', 'contacts per cure', 'cost per cure'], rows)}
<p class="note">Intervals are 95%. An arm's cure rate: the Wilson score interval (E. B. Wilson, JASA 22, 1927, 209–212). The difference, challenger minus champion: Newcombe's hybrid score interval (R. G. Newcombe, Statistics in Medicine 17, 1998, 873–890, method 10), which combines the two Wilson intervals. The difference is called distinguishable from chance when its interval excludes zero.</p></section>`;
}

export function reportHtml(d: ReportData, charts: Record<string, string>): string {
  const policies = Object.entries(d.run.loansByPolicy)
    .map(([p, n]) => `${p} ${n}`)
    .join(', ');
  const statuses = Object.entries(d.run.finalStatus)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(d.title)}</title><style>${CSS}</style></head>
<body><main>
<h1>${esc(d.title)}</h1>
<p class="sub">${esc(`${d.run.loans} loans (policies: ${policies}), rule pack ${d.run.rulePack}, seed ${d.run.seed}, ${d.run.virtualDays} simulated days; final status: ${statuses}`)}</p>
${summaryCards(d)}
${experimentSection(d, charts)}
${funnelSection(d, charts)}
${delinquencySection(d, charts)}
${blocksSection(d, charts)}
<p class="note">Cost: the estimate of local/cost.ts at AWS list prices (Step Functions, SMS and e-mail per loan; DynamoDB and Lambda at the run's average per loan). A cure is a loan paid in full (CURED); a settlement is counted apart. Identifiers and counts only: no borrower's contact details are in this page.</p>
</main></body></html>
`;
}
