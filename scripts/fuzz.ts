import { parseArgs } from 'node:util';
import { type Failure, fuzz, shrink } from '../test/properties/fuzz.js';

/**
 * `npm run fuzz -- [--runs N] [--seed S] [--first I] [--batch B] [--shrink-seconds T]`: the property
 * test's histories at length (test/properties). Prints progress to stderr, each failing history's
 * seed and problems, and the smallest history fast-check shrinks it to; exits 1 if any failed.
 */
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000_000) },
    first: { type: 'string', default: '0' },
    batch: { type: 'string', default: '25' },
    'shrink-seconds': { type: 'string', default: '300' },
  },
});

const int = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`--${name} must be a whole number, not ${values[name]}`);
    process.exit(2);
  }
  return n;
};

const options = {
  runs: int('runs'),
  seed: int('seed'),
  first: int('first'),
  batch: Math.max(1, int('batch')),
};
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(0);
console.error(`fuzz: ${options.runs} histories from #${options.first}, seed ${options.seed}`);
const failures = await fuzz({
  ...options,
  onBatch: (done, total) => console.error(`  ${done}/${total} histories, ${seconds()} s`),
});

const print = (f: Failure) => {
  console.log(`\nFAIL history ${f.index}: --seed ${options.seed} --first ${f.index} --runs 1`);
  console.log(`  ${f.rulePack} pack${f.faults ? ', mild faults' : ''}`);
  for (const p of f.problems) console.log(`  ${p}`);
  if (!f.shrunk) return console.log('  did not fail alone: it depends on its batch or the faults');
  console.log('  shrunk to:', JSON.stringify(f.shrunk.history, null, 2));
  for (const p of f.shrunk.problems) console.log(`  ${p}`);
};

for (const failure of failures) print(await shrink(failure, { timeLimitMs: int('shrink-seconds') * 1000 }));
console.log(`\n${options.runs} histories, ${failures.length} failed, ${seconds()} s (seed ${options.seed})`);
process.exit(failures.length > 0 ? 1 : 0);
