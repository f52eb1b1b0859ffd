import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OUTCOMES } from '../../functions/agent-api/outcome-names.js';
import { TASK_QUEUES } from '../../functions/domain/case.js';
import { borrower } from '../borrower.js';

/**
 * The `ladder` command as a user meets it: --version, and for every usage or input error exit 2 and
 * exactly one line on stderr that says what is wrong (and, where there is a list, what is valid),
 * with no stack trace and no output file. 1 is kept for findings (test/cli/audit-cli.test.ts,
 * compliance-cli.test.ts). Each case runs the command as a process: the exit code and the output
 * are the point.
 */
const dir = mkdtempSync(join(tmpdir(), 'ladder-usage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOISE = /NodeVersionSupportWarning|versions published|node >=22|upgrade to node|a\.co\/|trace-warnings/;
const ladder = (args: string[], nodeArgs: string[] = []) => {
  const run = spawnSync('node', [...nodeArgs, 'cli/ladder.mjs', ...args], { encoding: 'utf8' });
  const lines = (text: string) =>
    text
      .split('\n')
      .filter(
        (l) => l.trim() !== '' && !NOISE.test(l) && !/^To continue receiving|^More information/.test(l),
      );
  return { status: run.status, stdout: lines(run.stdout), stderr: lines(run.stderr) };
};
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const scenario = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    loans: [
      { loanId: 'L-1', amountDue: '10.00', currency: 'CNY', dueDate: '2026-12-10', borrower, events: [] },
    ],
    ...extra,
  });

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('ladder: version and help', () => {
  it('--version prints the package version and exits 0', () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(ladder(['--version'])).toEqual({ status: 0, stdout: [version], stderr: [] });
  });

  it('--help loads commander and nothing else from node_modules (tsx runs the TypeScript)', () => {
    for (const args of [['--help'], ['simulate', '--help'], ['audit', 'verify', '--help']]) {
      const run = ladder(args, ['--import', './test/cli/import-trace.mjs']);
      expect(run.status).toBe(0);
      expect(run.stdout[0]).toMatch(/^Usage: ladder/);
      const packages = new Set(
        run.stderr
          .filter((l) => l.startsWith('IMPORT '))
          .map((l) => /\/node_modules\/((@[^/]+\/)?[^/]+)\//.exec(l)?.[1]),
      );
      expect([...packages].sort()).toEqual(['commander', 'esbuild', 'tsx']);
    }
  });

  it("`npx ladder` is a bin npm links into node_modules/.bin, not the repository's own bin", () => {
    // npx runs a bin of node_modules/.bin at once; a bin of the repository's own package.json it first
    // installs into npx's cache, reading the installed tree twice (about 1.5 s more per command here).
    const root = JSON.parse(readFileSync('package.json', 'utf8')) as { bin?: unknown; workspaces?: string[] };
    const cli = JSON.parse(readFileSync('cli/package.json', 'utf8')) as { bin?: Record<string, string> };
    expect(root.bin).toBeUndefined();
    expect(root.workspaces).toContain('cli');
    expect(cli.bin).toEqual({ ladder: 'ladder.mjs' });
    expect(realpathSync('node_modules/.bin/ladder')).toBe(realpathSync('cli/ladder.mjs'));
  });
});

describe('ladder: usage and input errors exit 2 with one line', () => {
  const one = (args: string[], message: RegExp) => {
    const run = ladder(args);
    expect(run.stderr).toHaveLength(1);
    expect(run.stderr[0]).toMatch(message);
    expect(run.status).toBe(2);
    expect(run.stderr.join('\n')).not.toMatch(/\n\s+at |Usage:/);
  };

  it('an unknown flag, an unknown command, a missing option, a bad value', () => {
    one(['--bogus'], /^ladder: unknown option '--bogus' \(see ladder --help\)$/);
    one(['frobnicate'], /^ladder: unknown command 'frobnicate'/);
    one(['start', '--lones', '5'], /^ladder: start: unknown option '--lones' \(Did you mean --loans\?\)/);
    one(
      ['simulate', '--scenario', 'samples/scenario.json'],
      /^ladder: simulate: required option '--out <file>' not specified/,
    );
    one(
      ['start', '--loans', 'many'],
      /^ladder: start: option '--loans <n>' argument 'many' is invalid\. must be a positive integer/,
    );
    one(['audit', 'verify'], /^ladder: audit verify: give exactly one of --ledger <file> and --data <dir>$/);
  });

  it('a missing or unreadable file names the file and why, and writes nothing', () => {
    const out = join(dir, 'never.json');
    one(
      ['simulate', '--scenario', join(dir, 'nope.json'), '--out', out],
      /^ladder: simulate: --scenario .*nope\.json: no such file$/,
    );
    one(
      ['simulate', '--scenario', dir, '--out', out],
      /^ladder: simulate: --scenario .*: is a directory, not a file$/,
    );
    one(
      ['simulate', '--scenario', file('blank.json', ' \n'), '--out', out],
      /^ladder: simulate: --scenario .*blank\.json: empty file$/,
    );
    one(
      ['simulate', '--scenario', file('bad.json', '{"loans": ['), '--out', out],
      /^ladder: simulate: --scenario .*bad\.json: not JSON/,
    );
    one(
      [
        'simulate',
        '--scenario',
        file('policy-file.json', scenario({ policy: 'missing-policy.json' })),
        '--out',
        out,
      ],
      /^ladder: simulate: scenario: policy missing-policy\.json: no such file$/,
    );
    one(
      ['audit', 'verify', '--ledger', join(dir, 'nope.jsonl')],
      /^ladder: audit verify: --ledger .*nope\.jsonl: no such file$/,
    );
    one(
      ['audit', 'verify', '--ledger', 'samples/scenario.json', '--key', join(dir, 'nope.key')],
      /nope\.key: no key there$/,
    );
    one(
      ['audit', 'compliance', '--data', join(dir, 'no-store')],
      /^ladder: audit compliance: .*no-store: no such directory$/,
    );
    expect(() => readFileSync(out)).toThrow();
  });

  it('audit verify on a file that is not a ledger, or is empty, is bad input (2), not tampering (1)', () => {
    one(
      ['audit', 'verify', '--ledger', 'package.json'],
      /^ladder: audit verify: --ledger package\.json: not a ledger/,
    );
    one(
      ['audit', 'verify', '--ledger', file('empty.jsonl', '')],
      /^ladder: audit verify: --ledger .*empty\.jsonl: empty file/,
    );
    one(['audit', 'verify', '--data', dir], /^ladder: audit verify: .*: not a Ladder data directory/);
  });

  it('an unreachable server names the URL and how to start it', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    one(
      ['agent', 'list', '--url', url],
      new RegExp(
        `^ladder: agent list: cannot reach ladder serve at ${url} \\(ECONNREFUSED\\): start it with`,
      ),
    );
    one(['agent', 'claim', 'T-1', '--url', url], /cannot reach ladder serve/);
  });

  it('a bad value of a listed kind lists the valid ones', () => {
    one(
      ['agent', 'list', '--queue', 'calls'],
      new RegExp(`Allowed choices are ${TASK_QUEUES.join(', ')}\\.`),
    );
    one(
      ['agent', 'complete', 'T-1', '--outcome', 'PAID'],
      new RegExp(`Allowed choices are ${OUTCOMES.join(', ')}\\.`),
    );
    one(
      ['agent', 'complete', 'T-1', '--outcome', 'PROMISE_TO_PAY', '--amount', '5'],
      /--outcome PROMISE_TO_PAY needs --date$/,
    );
  });

  it('output directories: a non-empty --data or --evidence is refused before the run; so is a foreign --out', () => {
    const full = join(dir, 'full');
    mkdirSync(full, { recursive: true });
    writeFileSync(join(full, 'keep.txt'), 'not ladder output');
    const good = file('good.json', scenario());
    const out = join(dir, 'result.json');
    one(
      ['simulate', '--scenario', good, '--out', out, '--evidence', full],
      /^ladder: simulate: --evidence .*full: not empty/,
    );
    one(
      ['simulate', '--scenario', good, '--out', out, '--data', full],
      /^ladder: simulate: --data .*full: not empty/,
    );
    one(
      ['start', '--loans', '1', '--out', full],
      /^ladder: start: --out .*full: not empty and not written by ladder start/,
    );
    expect(readFileSync(join(full, 'keep.txt'), 'utf8')).toBe('not ladder output');
  });
});

describe('ladder: output directories hold one run', () => {
  it('start replaces the --out it wrote before: no evidence pack of an earlier run is left', () => {
    const out = join(dir, 'out');
    mkdirSync(join(out, 'evidence', 'STALE'), { recursive: true });
    writeFileSync(join(out, 'evidence', 'STALE', '1.json'), '{}');
    writeFileSync(join(out, '.ladder-output'), 'an earlier run\n');
    const run = ladder(['start', '--loans', '3', '--out', out]);
    expect(run.status, run.stderr.join('\n')).toBe(0);
    expect(() => readFileSync(join(out, 'evidence', 'STALE', '1.json'))).toThrow();
    expect(readFileSync(join(out, 'timelines.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
    // It says which Node it ran on: the one first on the PATH of npm scripts, the Lambda runtime's major.
    const days = run.stdout.find((l) => /simulated days in/.test(l)) ?? '';
    expect(days).toMatch(/ s on Node v24\.\d+\.\d+$/);
    expect(days.endsWith(`on Node ${process.version}`)).toBe(true);
  });

  it('simulate --evidence DIR writes the packs into DIR itself', () => {
    const packs = join(dir, 'packs');
    const run = ladder([
      'simulate',
      '--scenario',
      file('never.json', scenario()),
      '--out',
      join(dir, 'never.out.json'),
      '--evidence',
      packs,
    ]);
    expect(run.status, run.stderr.join('\n')).toBe(0);
    const pack = JSON.parse(readFileSync(join(packs, 'L-1', '1.json'), 'utf8')) as { loanId?: string };
    expect(JSON.stringify(pack)).toContain('L-1');
    expect(() => readFileSync(join(packs, 'evidence', 'L-1', '1.json'))).toThrow();
  });
});
