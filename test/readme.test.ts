import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The README as a newcomer reads it: the architecture diagram draws each thing once (Mermaid merges
 * two nodes that share an id into one box, so an id used for two things is a wrong picture), every
 * file the Architecture table names exists, every link goes somewhere, and the scenarios it shows
 * inline are the sample files it runs.
 */
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The first ```mermaid block. */
const mermaid = (): string => {
  const block = /```mermaid\n([\s\S]*?)```/.exec(README)?.[1];
  if (!block) throw new Error('no mermaid block in README.md');
  return block;
};

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

describe('README.md', () => {
  it('the architecture diagram is a flowchart whose node ids each name one thing, each declared', () => {
    const chart = mermaid();
    expect(chart.split('\n')[0]).toBe('flowchart LR');
    const { labels, used } = nodes(chart);
    expect(labels.size).toBeGreaterThan(20);
    for (const [id, declared] of labels) expect([...declared], `node ${id}`).toHaveLength(1);
    for (const id of used) expect(labels.has(id), `node ${id} is used but never given a label`).toBe(true);
    const byLabel = new Map<string, string[]>();
    for (const [id, declared] of labels) {
      const label = [...declared][0] as string;
      byLabel.set(label, [...(byLabel.get(label) ?? []), id]);
    }
    for (const [label, ids] of byLabel) expect(ids, `label ${label}`).toHaveLength(1);
  });

  it('the reader of the diagram reads it as a diagram: the node check catches a reused id', () => {
    const { labels } = nodes('flowchart LR\n  B -- x --> Q[(SQS intake queue)]\n  A --> Q[agent-api λ]');
    expect([...(labels.get('Q') ?? [])]).toEqual(['[(SQS intake queue)]', '[agent-api λ]']);
  });

  it('every file the Architecture table names exists', () => {
    const table = README.slice(
      README.indexOf('| file | job |'),
      README.indexOf('### What the stack creates'),
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

  it('every relative link leads to a file, every #anchor to a heading', () => {
    const slugs = new Set(
      [...README.matchAll(/^#{1,4} (.+)$/gm)].map((m) =>
        (m[1] ?? '')
          .toLowerCase()
          .replace(/[^\p{L}\p{N} -]/gu, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const [, target] of README.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!target || /^https?:/.test(target)) continue;
      const [file, anchor] = target.split('#');
      if (file) expect(existsSync(file), target).toBe(true);
      else expect(slugs.has(anchor ?? ''), target).toBe(true);
    }
  });

  it('the scenarios shown inline are the sample files the commands beside them run', () => {
    for (const sample of ['samples/first-loans.json', 'samples/later-and-gentler.json']) {
      const text = readFileSync(sample, 'utf8').trim();
      expect(README, sample).toContain(`\`\`\`json\n${text}\n\`\`\``);
      expect(README).toContain(`--scenario ${sample}`);
    }
  });
});
