import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'ladder-cli-'));
const good = {
  loanId: 'L-1',
  amountDue: '10.00',
  currency: 'CNY',
  dueDate: '2026-12-10',
  borrower: {
    borrowerId: 'B-1',
    name: 'N',
    phone: '+8613800138000',
    email: 'n@example.com',
    timeZone: 'Asia/Shanghai',
    locale: 'en',
  },
};
const cases: Array<[string, unknown, RegExp]> = [
  [
    'unknown time zone',
    { loans: [{ ...good, borrower: { ...good.borrower, timeZone: 'Mars/Base' } }] },
    /^ladder: simulate: loan L-1: borrower\.timeZone: /,
  ],
  [
    'phone not E.164',
    { loans: [{ ...good, borrower: { ...good.borrower, phone: '138 0013 8000' } }] },
    /^ladder: simulate: loan L-1: borrower\.phone: /,
  ],
  ['negative amount', { loans: [{ ...good, amountDue: '-5' }] }, /^ladder: simulate: loan L-1: amountDue: /],
  [
    'malformed amount',
    { loans: [{ ...good, amountDue: '1,000' }] },
    /^ladder: simulate: loan L-1: amountDue: /,
  ],
  ['duplicate loanId', { loans: [good, good] }, /^ladder: simulate: loan L-1: loanId: duplicate/],
  [
    'unknown event type',
    { loans: [{ ...good, events: [{ type: 'teleport', at: '2026-12-11T00:00:00Z' }] }] },
    /^ladder: simulate: loan L-1: events\.0\.type: unknown event type/,
  ],
];

describe('ladder simulate: bad input', () => {
  it.each(cases)(
    '%s: exits non-zero with one line naming the loan and field, no stack, no output',
    (_name, scenario, message) => {
      const file = join(dir, `${_name.replace(/\W/g, '-')}.json`);
      const out = join(dir, `${_name.replace(/\W/g, '-')}.out.json`);
      writeFileSync(file, JSON.stringify(scenario));
      const run = spawnSync('node', ['cli/ladder.mjs', 'simulate', '--scenario', file, '--out', out], {
        encoding: 'utf8',
      });
      expect(run.status).not.toBe(0);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.stderr).not.toContain('+8613800138000');
      expect(existsSync(out)).toBe(false);
    },
  );
});
