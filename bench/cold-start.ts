import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { TABLE_ENV } from '../functions/adapters/tables.js';
import { esbuildOptions, LAMBDA_ENTRIES, LAMBDA_NODE_OPTIONS } from '../lib/bundling.js';

/**
 * Each Lambda bundle's cold initialisation beside a bare function that imports the same AWS SDK
 * packages and nothing else, both built with the deployed esbuild options (lib/bundling.ts) and
 * loaded as the Lambda Node.js runtime loads a CommonJS handler (require, with the NODE_OPTIONS the
 * stack sets, LAMBDA_NODE_OPTIONS), each in a fresh Node process. The two alternate,
 * REPS times each; the ratio is the median of the REPS paired ratios (bundle over its bare
 * counterpart measured just before it), so a load change on the machine moves both sides.
 * `npm run bench:cold` runs this part alone; `npm run bench` includes it.
 */
const ROOT = resolve(import.meta.dirname, '..');
const REPS = 9;

/** What each handler needs in its environment at load (functions/*\/index.ts), as the stack sets it. */
export const ENV = {
  ...process.env,
  AWS_REGION: 'us-east-1',
  ...Object.fromEntries(Object.entries(TABLE_ENV).map(([table, name]) => [name, table])),
  LEDGER_WRITER_FUNCTION: 'ledgerWriter',
  LEDGER_SEAL_KEY: 'arn:aws:kms:us-east-1:123456789012:key/seal',
  LINE_KEY: 'arn:aws:kms:us-east-1:123456789012:key/line',
  STATE_MACHINE_ARNS: JSON.stringify({
    default: 'arn:aws:states:us-east-1:123456789012:stateMachine:default',
  }),
  EVIDENCE_BUCKET: 'evidence',
  EVIDENCE_KEY: 'arn:aws:kms:us-east-1:123456789012:key/case',
  EVENT_BUS_NAME: 'ladder',
  // The page links (stage, borrower API) and the desk's sign-in (desk API).
  LINK_KEY: 'arn:aws:kms:us-east-1:123456789012:key/link',
  PAGES_URL: 'https://d1.cloudfront.net',
  DESK_AUTHORIZE_URL: 'https://ladder-desk.auth.us-east-1.amazoncognito.com/oauth2/authorize',
  DESK_CLIENT_ID: 'desk-client',
  DESK_REDIRECT_URI: 'https://d1.cloudfront.net/desk/',
  SENDER_EMAIL: 'collections@example.com',
  POWERTOOLS_SERVICE_NAME: 'ladder',
  AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: '1',
  NODE_NO_WARNINGS: '1',
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/**
 * Milliseconds to require `file` and find its handler, in a fresh Node process, and the AWS SDK
 * packages that loading it loaded.
 */
export function loadOnce(
  file: string,
  extraArgs: string[] = [],
): { ms: number; cpuMs: number; sdk: string[] } {
  const probe = `const t = performance.now(); const c = process.cpuUsage();
if (typeof require(${JSON.stringify(file)}).handler !== 'function') throw new Error('no handler');
const ms = performance.now() - t; const used = process.cpuUsage(c); const cpuMs = (used.user + used.system) / 1000;
const sdk = new Set(Object.keys(require.cache).map((k) => k.split('/node_modules/').at(-1).split('/').slice(0, 2).join('/')).filter((p) => p.startsWith('@aws-sdk/')));
console.log(JSON.stringify({ ms, cpuMs, sdk: [...sdk] }));`;
  const r = spawnSync(process.execPath, [...LAMBDA_NODE_OPTIONS, ...extraArgs, '-e', probe], {
    env: ENV,
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`loading ${file}: ${r.stderr.split('\n')[0]}`);
  return JSON.parse(r.stdout.trim());
}

type Options = ReturnType<typeof esbuildOptions>;

/** Builds `entry` into out/bench/<dir>/<name>/index.js; returns the file and the SDK packages it requires. */
async function bundle(
  dir: string,
  name: string,
  entry: string,
  options: typeof esbuildOptions = esbuildOptions,
) {
  // Inside the project, so the external @aws-sdk/* resolve from node_modules as from the runtime's.
  const file = join(ROOT, 'out/bench', dir, name, 'index.js');
  mkdirSync(join(file, '..'), { recursive: true });
  // On Lambda the bundle's directory has no package.json, so index.js is CommonJS. Here the
  // project's "type": "module" would make Node load it as an ES module: say CommonJS explicitly.
  writeFileSync(join(file, '..', 'package.json'), '{ "type": "commonjs" }\n');
  const built: Options = options(entry, file);
  const { metafile } = await build({ ...built, metafile: true });
  const sdk = [
    ...new Set(
      Object.values(metafile.outputs)
        .flatMap((o) => o.imports)
        .filter((i) => i.external && i.path.startsWith('@aws-sdk/'))
        .map((i) => i.path),
    ),
  ].sort();
  return { file, sdk };
}

/** A handler that imports `sdk` (each package's whole namespace, kept) and does nothing else. */
async function bareBundle(name: string, sdk: string[]) {
  const dir = join(ROOT, 'out/bench/bare-entries', name);
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'entry.ts');
  writeFileSync(
    entry,
    `${sdk.map((m, i) => `import * as m${i} from ${JSON.stringify(m)};`).join('\n')}
export const loaded = [${sdk.map((_, i) => `m${i}`).join(', ')}];
export const handler = async () => loaded.length;
`,
  );
  return (await bundle('bare', name, entry)).file;
}

export interface ColdStart {
  name: string;
  bytes: number;
  /** The AWS SDK packages the bundle requires (the runtime provides them), and those it loads at init. */
  sdk: string[];
  sdkAtInit: string[];
  /** Medians of REPS cold loads, in ms: the bundle, and the bare function importing all of `sdk`. */
  loadMs: number;
  bareMs: number;
  /** Median of the paired ratios loadMs / bareMs (the issue's measure). */
  ratio: number;
  /**
   * The same by CPU time (user + system of the loading process): on a shared machine a load waits
   * for a core as long as the load average says, which moves wall time far more than CPU time.
   */
  cpu: { loadMs: number; bareMs: number; ratio: number };
  /** When the bundle loads fewer SDK packages at init than it uses: the bare function of those alone, and the ratio to it. */
  bareAtInitMs?: number;
  ratioAtInit?: number;
  cpuRatioAtInit?: number;
  /** With `--compare DIR`: the same bundle built from DIR (another checkout), measured in the same rotation. */
  compare?: { bytes: number; loadMs: number; ratio: number; cpuLoadMs: number; cpuRatio: number };
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** One bundle's measurements: bare, [bare at init], [the other checkout's], this one, REPS times in turn. */
async function measure(name: string, entry: string, compareRoot?: string): Promise<ColdStart> {
  const { file, sdk } = await bundle('bundles', name, join(ROOT, entry));
  const bare = await bareBundle(name, sdk);
  const atInit = loadOnce(file)
    .sdk.filter((m) => sdk.includes(m))
    .sort();
  const bareAtInit = atInit.length < sdk.length ? await bareBundle(`${name}.init`, atInit) : undefined;
  let other: string | undefined;
  if (compareRoot) {
    const { esbuildOptions: theirs } = (await import(join(compareRoot, 'lib/bundling.ts'))) as {
      esbuildOptions: typeof esbuildOptions;
    };
    other = (await bundle('compare', name, join(compareRoot, entry), theirs)).file;
  }
  type Sample = { ms: number; cpuMs: number };
  const t: Record<'bare' | 'init' | 'other' | 'load', Sample[]> = { bare: [], init: [], other: [], load: [] };
  for (let i = 0; i < REPS; i++) {
    t.bare.push(loadOnce(bare));
    if (bareAtInit) t.init.push(loadOnce(bareAtInit));
    if (other) t.other.push(loadOnce(other));
    t.load.push(loadOnce(file));
  }
  // Median of a side, and median of the paired ratios of a side to a base, by wall or CPU time.
  const med = (xs: Sample[], k: keyof Sample) => round(median(xs.map((x) => x[k])));
  const paired = (xs: Sample[], base: Sample[], k: keyof Sample) =>
    round(median(xs.map((x, i) => x[k] / (base[i]?.[k] ?? x[k]))), 2);
  return {
    name,
    bytes: statSync(file).size,
    sdk,
    sdkAtInit: atInit,
    loadMs: med(t.load, 'ms'),
    bareMs: med(t.bare, 'ms'),
    ratio: paired(t.load, t.bare, 'ms'),
    cpu: {
      loadMs: med(t.load, 'cpuMs'),
      bareMs: med(t.bare, 'cpuMs'),
      ratio: paired(t.load, t.bare, 'cpuMs'),
    },
    ...(bareAtInit
      ? {
          bareAtInitMs: med(t.init, 'ms'),
          ratioAtInit: paired(t.load, t.init, 'ms'),
          cpuRatioAtInit: paired(t.load, t.init, 'cpuMs'),
        }
      : {}),
    ...(other
      ? {
          compare: {
            bytes: statSync(other).size,
            loadMs: med(t.other, 'ms'),
            ratio: paired(t.other, t.bare, 'ms'),
            cpuLoadMs: med(t.other, 'cpuMs'),
            cpuRatio: paired(t.other, t.bare, 'cpuMs'),
          },
        }
      : {}),
  };
}

export async function coldStarts(
  log: (line: string) => void,
  { only, compare }: { only?: string[]; compare?: string } = {},
): Promise<ColdStart[]> {
  const out: ColdStart[] = [];
  log(`cold starts: ${REPS} loads of each, load average ${loadavg()[0]?.toFixed(2)}`);
  for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
    if (only && only.length > 0 && !only.includes(name)) continue;
    const r = await measure(name, entry, compare);
    out.push(r);
    const lazy =
      r.sdkAtInit.length < r.sdk.length
        ? `; at init ${r.sdkAtInit.length} of ${r.sdk.length} SDK packages, bare of those ${r.bareAtInitMs} ms: ${r.ratioAtInit}x (CPU ${r.cpuRatioAtInit}x)`
        : '';
    const before = r.compare
      ? `; --compare: ${r.compare.bytes} bytes, ${r.compare.loadMs} ms, ${r.compare.ratio}x (CPU ${r.compare.cpuLoadMs} ms, ${r.compare.cpuRatio}x)`
      : '';
    log(
      `bundle ${name}: ${r.bytes} bytes, loads in ${r.loadMs} ms, its bare SDK-import function in ${r.bareMs} ms: ${r.ratio}x (CPU ${r.cpu.loadMs} against ${r.cpu.bareMs} ms: ${r.cpu.ratio}x)${lazy}${before}`,
    );
  }
  log(`cold starts done, load average ${loadavg()[0]?.toFixed(2)}`);
  return out;
}

/** `node --cpu-prof` of one cold load of a bundle, for a closer look (`npm run bench:cold -- --profile Stage`). */
export function profile(name: string): string {
  const dir = join(ROOT, 'out/bench/profiles');
  mkdirSync(dir, { recursive: true });
  loadOnce(join(ROOT, 'out/bench/bundles', name, 'index.js'), ['--cpu-prof', '--cpu-prof-dir', dir]);
  return dir;
}

/**
 * `npm run bench:cold [-- Name ...] [--compare DIR] [--profile Name]`: DIR is another checkout of
 * this repository (say `git worktree add /tmp/before main`, with node_modules linked), whose bundles
 * are built with its own options and measured in the same rotation: before and after in one run.
 */
if (import.meta.main) {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    if (at < 0) return undefined;
    const [v] = args.splice(at, 2).slice(1);
    return v;
  };
  const compare = value('--compare');
  const prof = value('--profile');
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const results = await coldStarts(log, {
    only: prof ? [prof] : args,
    ...(compare ? { compare: resolve(compare) } : {}),
  });
  if (prof) log(`profile written to ${profile(prof)}`);
  console.log(JSON.stringify({ coldStarts: results }));
}
