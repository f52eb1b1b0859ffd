import { readFileSync } from 'node:fs';

/**
 * Reads Stryker's JSON report (reports/mutation/mutation.json) and prints the mutation score of each
 * folder, with the files that let mutants survive; exits 1 when functions/domain/ scores under its
 * floor. Score as Stryker computes it: detected (killed or timed out) over valid mutants (detected,
 * survived or not covered); mutants that did not compile or were ignored do not count.
 */
const FLOORS: Record<string, number> = { 'functions/domain': 85 };
const REPORT = 'reports/mutation/mutation.json';

interface Mutant {
  status: string;
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

const DETECTED = new Set(['Killed', 'Timeout']);
const VALID = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);

function tally(mutants: Mutant[]) {
  const valid = mutants.filter((m) => VALID.has(m.status));
  const detected = valid.filter((m) => DETECTED.has(m.status)).length;
  return { valid: valid.length, detected, survived: valid.length - detected };
}

const report = JSON.parse(readFileSync(REPORT, 'utf8')) as Report;
const byFolder = new Map<string, Mutant[]>();
const survivorsByFile: Array<[string, number]> = [];
for (const [file, { mutants }] of Object.entries(report.files)) {
  const folder = file.replace(/^.*?(functions\/[^/]+)\/.*$/, '$1');
  byFolder.set(folder, [...(byFolder.get(folder) ?? []), ...mutants]);
  const { survived } = tally(mutants);
  if (survived > 0) survivorsByFile.push([file, survived]);
}

let failed = false;
console.log('folder              score   detected/valid');
for (const [folder, mutants] of [...byFolder].sort()) {
  const { valid, detected } = tally(mutants);
  const score = valid === 0 ? 100 : (100 * detected) / valid;
  const floor = FLOORS[folder];
  const verdict =
    floor === undefined ? '' : score >= floor ? `  (floor ${floor}: met)` : `  (floor ${floor}: MISSED)`;
  if (floor !== undefined && score < floor) failed = true;
  console.log(`${folder.padEnd(18)} ${score.toFixed(2).padStart(6)}%  ${detected}/${valid}${verdict}`);
}
console.log('\nsurviving or uncovered mutants by file (details: reports/mutation/index.html):');
for (const [file, n] of survivorsByFile.sort((a, b) => b[1] - a[1]))
  console.log(`  ${String(n).padStart(4)}  ${file}`);
console.log(
  "\nsurvivors judged equivalent are named, with the reason, at the top of the test files: grep -rn 'judged equivalent' test/",
);
if (failed) process.exitCode = 1;
