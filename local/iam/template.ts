/**
 * The Ladder stack's own IAM, as the local runtime enforces it: the stack is synthesized in-process
 * (lib/ladder-stack.ts, with cdk.json's feature flags as `cdk synth` uses them: they change the
 * policies, e.g. @aws-cdk/aws-iam:minimizePolicies merges statements) and every function's and state
 * machine's role policies and every KMS key policy are read from the template with their intrinsics
 * resolved (local/iam/intrinsics.ts) to LOCAL names: tables as the local store names them, functions by
 * their local names, every other resource by its logical id.
 *
 * Synthesis takes seconds, so the result is cached as JSON, keyed by a SHA-256 of everything that can
 * change it (the stack's sources, policies, state machine definitions, the lock file, this resolver's
 * own sources and the options): a warm load reads one file.
 */
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App } from 'aws-cdk-lib';
import type { TABLES } from '../../functions/adapters/tables.js';
import type { LadderStack } from '../../lib/ladder-stack.js';
import type { Template } from './extract.js';
import type { PolicyStatement } from './policy.js';

export const LOCAL_FUNCTION_NAMES = [
  'intake',
  'stage',
  'humanTask',
  'events',
  'agentApi',
  'deskApi',
  'erasure',
  'inboundSms',
  'audit',
  'ledgerWriter',
  'delivery',
  'borrowerApi',
] as const;
/** The local runtime's name of each Lambda function (also its local function name). */
export type LocalFunctionName = (typeof LOCAL_FUNCTION_NAMES)[number];
export type TableKey = keyof typeof TABLES;

/** A template resource and what it is called locally. */
export interface NamedResource {
  readonly logicalId: string;
  /** The local physical name (what Ref gives for most types). */
  readonly name: string;
  readonly arn: string;
}

/** One identity policy of a role, intrinsics resolved. */
export interface IdentityPolicy {
  readonly name: string;
  /** Inline in the role, an AWS::IAM::Policy, or an AWS::IAM::ManagedPolicy of this template. */
  readonly kind: 'inline' | 'AWS::IAM::Policy' | 'AWS::IAM::ManagedPolicy';
  readonly statements: readonly PolicyStatement[];
}

export interface RoleIam extends NamedResource {
  readonly policies: readonly IdentityPolicy[];
  /**
   * Managed policies attached by ARN whose documents are not in this template (AWS managed ones):
   * listed, not evaluated, so what only they would allow is denied locally.
   */
  readonly managedPolicyArns: readonly string[];
}

/** A function or state machine and the role it runs as. */
export interface PrincipalIam extends NamedResource {
  readonly role: RoleIam;
}

export interface TableIam extends NamedResource {
  /** The partition key attribute (what dynamodb:LeadingKeys is about). */
  readonly partitionKey: string;
  readonly indexes: Readonly<Record<string, { readonly arn: string; readonly partitionKey: string }>>;
}

export interface KeyIam extends NamedResource {
  readonly keyId: string;
  readonly policy: readonly PolicyStatement[];
  /** Alias names (`alias/...`) of this template that point at the key. */
  readonly aliases: readonly string[];
}

/** The stack's IAM resolved to local names: see loadStackIam. */
export interface StackIam {
  readonly version: typeof STACK_IAM_VERSION;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly stackName: string;
  readonly functions: Readonly<Record<LocalFunctionName, PrincipalIam>>;
  /** By policy id ("default", "early-call", ...), as Ladder.stateMachines. */
  readonly stateMachines: Readonly<Record<string, PrincipalIam>>;
  /** Every KMS key of the stack with its key policy, by key ARN. */
  readonly keys: Readonly<Record<string, KeyIam>>;
  readonly tables: Readonly<Record<TableKey, TableIam>>;
  readonly bus: NamedResource;
  readonly evidenceBucket: NamedResource;
  readonly caseKey: NamedResource;
  readonly contactKey: NamedResource;
  /** The HMAC key the ledger writer seals records with (the audit verifies them). */
  readonly sealKey: NamedResource;
  /** The HMAC key intake makes phone lines' pseudonyms with. */
  readonly lineKey: NamedResource;
  /** The HMAC key the stage signs borrower links with (the borrower API verifies them). */
  readonly linkKey: NamedResource;
  readonly queues: Readonly<Record<'deadLetter' | 'intake' | 'intakeDeadLetter', NamedResource>>;
  readonly topics: Readonly<Record<'inboundSms' | 'alarm', NamedResource>>;
}

export interface StackIamOptions {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** Where the JSON cache is kept. @default node_modules/.cache/ladder of the repository */
  readonly cacheDir?: string;
  /**
   * Builds the stack to read instead of lib/ladder-stack.ts's LadderStack (a test that removes one
   * grant, say). Its IAM is not cached: the cache key cannot see what the factory does.
   */
  readonly stack?: StackFactory;
}

/** Builds a Ladder stack in `app` (the synthesis's App, with cdk.json's context) under the id `id`. */
export type StackFactory = (app: App, id: string) => LadderStack;

/** Bumped whenever StackIam's shape changes. */
export const STACK_IAM_VERSION = 3;
const STACK_NAME = 'Ladder';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * What decides the resolved IAM, relative to the repository root: the stack's sources, the policies and
 * their state machine definitions, the tables, the local table names, the lock file (CDK's version),
 * cdk.json (feature flags) and this resolver itself.
 */
const CACHE_DIRECTORIES: ReadonlyArray<{ dir: string; suffix: string; recursive: boolean }> = [
  { dir: 'lib', suffix: '', recursive: true },
  { dir: 'policies', suffix: '.json', recursive: false },
  { dir: 'statemachines', suffix: '.asl.json', recursive: false },
];
const CACHE_FILES = [
  'functions/domain/policies.ts',
  'functions/adapters/tables.ts',
  'local/services/store.ts',
  'package-lock.json',
  'cdk.json',
  ...['template', 'extract', 'handles', 'intrinsics', 'physical', 'policy'].map(
    (name) => `local/iam/${name}.ts`,
  ),
];

function listFiles(dir: string, suffix: string, recursive: boolean): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return recursive ? listFiles(relative, suffix, true) : [];
    return entry.isFile() && entry.name.endsWith(suffix) ? [relative] : [];
  });
}

/** SHA-256 of the cache inputs' paths and contents and of the options. */
export function stackIamCacheKey(options: StackIamOptions): string {
  const hash = createHash('sha256');
  const { partition, region, account } = options;
  hash.update(JSON.stringify({ version: STACK_IAM_VERSION, partition, region, account }));
  const directories = CACHE_DIRECTORIES.flatMap(({ dir, suffix, recursive }) =>
    listFiles(dir, suffix, recursive),
  );
  const files = [...directories, ...CACHE_FILES].sort();
  for (const file of files) {
    hash.update(`\0${file}\0`);
    hash.update(readFileSync(path.join(ROOT, file)));
  }
  return hash.digest('hex');
}

function readCache(file: string): StackIam | undefined {
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as StackIam;
    return cached.version === STACK_IAM_VERSION ? cached : undefined;
  } catch {
    return undefined;
  }
}

/** Written to a temporary name and renamed: parallel test workers never read half a file. */
function writeCache(file: string, stackIam: StackIam): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(stackIam));
  renameSync(temporary, file);
}

/**
 * Synthesizes the stack in-process as the tests do (no bundling): its template and construct tree.
 * `factory` builds another stack than lib/ladder-stack.ts's (see StackIamOptions.stack).
 */
export async function synthesizeLadder(factory?: StackFactory): Promise<Template> {
  // Loaded here, not at the top: a cache hit must not pay for loading the CDK (seconds).
  const { App } = await import('aws-cdk-lib');
  const { LadderStack } = await import('../../lib/ladder-stack.js');
  const cdkJson = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const outdir = mkdtempSync(path.join(tmpdir(), 'ladder-iam-'));
  try {
    const app = new App({ outdir, context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
    const stack = factory ? factory(app, STACK_NAME) : new LadderStack(app, STACK_NAME);
    const template = app.synth().getStackByName(stack.stackName).template as Template['template'];
    return { template, stack };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The stack's IAM resolved for `partition`, `region` and `account` (see StackIam): from the cache if
 * its key matches, else synthesized (seconds) and cached.
 */
export async function loadStackIam(options: StackIamOptions): Promise<StackIam> {
  if (options.stack) return readStackIam(options, options.stack);
  const cacheDir = options.cacheDir ?? path.join(ROOT, 'node_modules', '.cache', 'ladder');
  const file = path.join(cacheDir, `iam-${stackIamCacheKey(options)}.json`);
  const cached = readCache(file);
  if (cached) return cached;
  const stackIam = await readStackIam(options);
  writeCache(file, stackIam);
  return stackIam;
}

async function readStackIam(options: StackIamOptions, factory?: StackFactory): Promise<StackIam> {
  // Loaded on a miss only, like the CDK: it loads the local store (dynalite) for the tables' names.
  const { readTemplate } = await import('./extract.js');
  const { partition, region, account } = options;
  return readTemplate(await synthesizeLadder(factory), { partition, region, account });
}
