import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Scenario } from '../scenario.js';
import type { SimulatedLoan, Summary } from '../summary.js';
import { renderCharts } from './charts.js';
import { simulationReportData } from './data.js';
import { reportHtml } from './html.js';

/** Writes the manager's report of a finished run to `file`: one self-contained HTML page. */
export async function writeReport(
  file: string,
  title: string,
  run: { loans: SimulatedLoan[]; summary: Summary },
  scenario: Scenario,
): Promise<void> {
  const data = simulationReportData(title, run.loans, scenario, run.summary);
  const html = reportHtml(data, await renderCharts(data));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, html);
}
