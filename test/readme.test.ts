import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_SCHEMAS } from '../functions/domain/events.js';

/**
 * The README and the docs as a newcomer reads them: every architecture diagram draws each thing
 * once (Mermaid merges two nodes that share an id into one box, so an id used for two things is a
 * wrong picture), every file the Architecture table names exists, every link goes somewhere (a file,
 * and a heading in it), and the scenarios the README shows inline are the sample files it runs.
 */
const read = (file: string) => readFileSync(file, 'utf8');
const PAGES = [
  'README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const README = read('README.md');
const ARCHITECTURE = read('docs/architecture.md');

/** Every ```mermaid block of a page. */
const mermaids = (text: string): string[] =>
  [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

/** Node ids with the labels they are declared with (`Q[(SQS intake queue)]`), and every id used. */
function nodes(flowchart: string) {
  const labels = new Map<string, Set<string>>();
  const used = new Set<string>();
  const lines = flowchart.split('\n').slice(1);
  for (const raw of lines) {
    // Edge texts (`-- text -->`, `-. text .->`) are not nodes: cut them out first.
    const line = raw.replace(/--[^->][^>]*?-->|-\.[^>]*?\.->|-->|-\.->/g, ' \u0000 ');
    for (const part of line.split('\u0000')) {
      const node = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*(\[\(.*\)\]|\{\{.*\}\}|\[.*\]|\(\(.*\)\)|\(.*\))?\s*$/.exec(
        part,
      );
      if (!part.trim()) continue;
      if (!node?.[1]) throw new Error(`cannot read "${part.trim()}" in: ${raw.trim()}`);
      used.add(node[1]);
      if (node[2]) {
        const set = labels.get(node[1]) ?? new Set<string>();
        set.add(node[2]);
        labels.set(node[1], set);
      }
    }
  }
  return { labels, used };
}

/** A diagram's problems: an id declared with two labels, an id never declared, a label on two ids. */
function diagramProblems(chart: string): string[] {
  const problems: string[] = [];
  if (chart.split('\n')[0] !== 'flowchart LR') problems.push(`not a flowchart LR: ${chart.split('\n')[0]}`);
  const { labels, used } = nodes(chart);
  for (const [id, declared] of labels) if (declared.size > 1) problems.push(`node ${id}: ${[...declared]}`);
  for (const id of used) if (!labels.has(id)) problems.push(`node ${id} is used but never given a label`);
  const byLabel = new Map<string, string[]>();
  for (const [id, declared] of labels) {
    const label = [...declared][0] as string;
    byLabel.set(label, [...(byLabel.get(label) ?? []), id]);
  }
  for (const [label, ids] of byLabel) if (ids.length > 1) problems.push(`label ${label} on ${ids}`);
  return problems;
}

/** GitHub's anchor of a heading. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
const headings = (file: string) =>
  new Set([...read(file).matchAll(/^#{1,4} (.+)$/gm)].map((m) => slug(m[1] ?? '')));

describe('README.md and docs/*.md', () => {
  it('every architecture diagram is a flowchart whose node ids each name one thing, each declared', () => {
    const charts = PAGES.flatMap((page) => mermaids(read(page)).map((chart) => ({ page, chart })));
    expect(charts.map((c) => c.page)).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md']));
    for (const { page, chart } of charts) expect(diagramProblems(chart), page).toEqual([]);
    // The whole picture is the one in docs/architecture.md; the README's is the short one.
    expect(nodes(mermaids(ARCHITECTURE)[0] ?? '').labels.size).toBeGreaterThan(20);
    expect(nodes(mermaids(README)[0] ?? '').labels.size).toBeLessThan(15);
  });

  it('the diagram check catches a reused id, an undeclared one and one thing drawn twice', () => {
    const { labels } = nodes('flowchart LR\n  B -- x --> Q[(SQS intake queue)]\n  A --> Q[agent-api λ]');
    expect([...(labels.get('Q') ?? [])]).toEqual(['[(SQS intake queue)]', '[agent-api λ]']);
    expect(
      diagramProblems('flowchart LR\n  B[bus] --> Q[(queue)]\n  A[api] --> Q[agent-api λ]'),
    ).toHaveLength(1);
    expect(diagramProblems('flowchart LR\n  B[bus] --> Q')).toEqual([
      'node Q is used but never given a label',
    ]);
    expect(diagramProblems('flowchart LR\n  B[bus] --> Q[bus]')).toEqual(['label [bus] on B,Q']);
  });

  it('every file the Architecture table names exists', () => {
    const table = ARCHITECTURE.slice(
      ARCHITECTURE.indexOf('| file | job |'),
      ARCHITECTURE.indexOf('## What the stack creates'),
    );
    const cells = [...table.matchAll(/^\| ([^|]+) \|/gm)]
      .map((m) => m[1] ?? '')
      .filter((c) => c.includes('`'));
    expect(cells.length).toBeGreaterThan(40);
    for (const cell of cells) {
      const paths = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
      let dir = '';
      for (const path of paths) {
        // `local/simulate.ts`, `summary.ts`: a bare name is in the directory of the path before it.
        const full = path.includes('/') ? path : `${dir}${path}`;
        dir = full.slice(0, full.lastIndexOf('/') + 1);
        const braces = /\{([^}]+)\}/.exec(full);
        const expanded = braces
          ? (braces[1] ?? '').split(',').map((b) => full.replace(braces[0], b))
          : [full];
        for (const file of expanded) {
          if (file.endsWith('*.ts')) {
            const folder = file.slice(0, file.lastIndexOf('/'));
            expect(
              readdirSync(folder).some((f) => f.endsWith('.ts')),
              file,
            ).toBe(true);
          } else expect(existsSync(file.replace(/\/$/, '')), file).toBe(true);
        }
      }
    }
  });

  it('every relative link leads to a file, every #anchor to a heading of the page it names', () => {
    let links = 0;
    for (const page of PAGES) {
      for (const [, target] of read(page).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!target || /^https?:/.test(target)) continue;
        links++;
        const [file, anchor] = target.split('#');
        const path = file ? join(dirname(page), file) : page;
        expect(existsSync(path), `${page}: ${target}`).toBe(true);
        if (anchor) expect(headings(path).has(anchor), `${page}: ${target}`).toBe(true);
      }
    }
    expect(links).toBeGreaterThan(50);
  });

  it('every doc is linked from the README, so nothing moved out of it is lost', () => {
    for (const page of PAGES.filter((p) => p !== 'README.md')) expect(README, page).toContain(`](${page})`);
  });

  it('the inbound event table names every detail-type the handlers validate', () => {
    const reference = read('docs/reference.md');
    const table = reference.slice(
      reference.indexOf('| detail-type | detail |'),
      reference.indexOf('Contact details are stored'),
    );
    const named = new Set([...table.matchAll(/`([A-Z][A-Za-z]+)`/g)].map((m) => m[1]));
    for (const type of Object.keys(EVENT_SCHEMAS)) expect(named.has(type), type).toBe(true);
  });

  it('the scenarios shown inline are the sample files the commands beside them run', () => {
    for (const sample of ['samples/first-loans.json', 'samples/later-and-gentler.json']) {
      const text = readFileSync(sample, 'utf8').trim();
      expect(README, sample).toContain(`\`\`\`json\n${text}\n\`\`\``);
      expect(README).toContain(`--scenario ${sample}`);
    }
  });
});
