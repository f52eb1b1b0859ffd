import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The compliance check is a second implementation of the contact rules: it must not reuse the
 * decision code it checks (decide.ts), its time arithmetic (luxon, zone.ts, the window helpers of
 * rulepacks.ts, the luxon helpers of case.ts). It may read data and types. Checked on the import
 * statements of every file in functions/compliance/.
 */
const DIR = 'functions/compliance';

interface Import {
  file: string;
  from: string;
  typeOnly: boolean;
  names: string[];
}

/** Every static import of a file, with its names (`type X` marks a type-only name). */
function importsOf(file: string): Import[] {
  const text = readFileSync(join(DIR, file), 'utf8');
  const found: Import[] = [];
  for (const m of text.matchAll(/^import\s+(type\s+)?([\s\S]*?)\s+from\s+'([^']+)';/gm)) {
    const [, type, clause = '', from = ''] = m;
    const names = (clause.match(/\{([\s\S]*)\}/)?.[1] ?? clause)
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    found.push({
      file,
      from,
      typeOnly: type !== undefined || names.every((n) => n.startsWith('type ')),
      names,
    });
  }
  return found;
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
const imports = files.flatMap(importsOf);

/** What may be imported from outside the directory, and how. */
const ALLOWED: Record<string, { values: string[] }> = {
  '../domain/case.js': { values: [] }, // types only: its helpers are luxon-based
  '../domain/ledger.js': { values: [] },
  '../domain/policy.js': { values: [] },
  '../domain/rulepacks.js': { values: ['RULE_PACKS', 'resolveRulePack'] },
  '../domain/clock.js': { values: ['isoUtc'] },
  '../domain/errors.js': { values: ['ValidationError'] },
};

describe('the compliance check is independent of the decision code', () => {
  it('reads its imports (the parser finds them)', () => {
    expect(files).toEqual(expect.arrayContaining(['check.ts', 'local-time.ts', 'caps.ts', 'timeline.ts']));
    expect(imports.some((i) => i.from === '../domain/rulepacks.js')).toBe(true);
  });

  it('imports neither decide.ts, zone.ts nor luxon, nor anything outside its list', () => {
    for (const i of imports) {
      expect(i.from, `${i.file}`).not.toMatch(/decide|zone\.js|luxon|stage\/|human-task/);
      if (i.from.startsWith('./')) continue;
      expect(Object.keys(ALLOWED), `${i.file} imports ${i.from}`).toContain(i.from);
    }
  });

  it('takes only data and types from the domain: no window helper, no luxon-based case helper', () => {
    for (const i of imports.filter((x) => !x.from.startsWith('./') && !x.typeOnly)) {
      const values = i.names.filter((n) => !n.startsWith('type '));
      expect(ALLOWED[i.from]?.values, `${i.file} takes ${values.join(', ')} from ${i.from}`).toEqual(
        expect.arrayContaining(values),
      );
      expect(values).not.toContain('nextAllowedMoment');
      expect(values).not.toContain('insideWindow');
    }
  });

  it('loads nothing at run time by other means', () => {
    for (const file of files) {
      const text = readFileSync(join(DIR, file), 'utf8');
      expect(text, file).not.toMatch(/\bimport\(|\brequire\(/);
    }
  });
});
