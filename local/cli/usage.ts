import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';

/**
 * What every `ladder` command shares, kept light: this file is loaded for `--help` too, so it imports
 * nothing but node:fs and commander.
 *
 * Exit codes: 0 done; 1 a finding (a broken ledger chain, a compliance violation); 2 bad usage or
 * bad input (an unknown option, a missing file, a malformed scenario, an unreachable server), always
 * one line on stderr; 70 a bug in ladder (EX_SOFTWARE), with the stack under LADDER_DEBUG=1.
 */
export const EXIT = { ok: 0, finding: 1, usage: 2, internal: 70 } as const;

/** Bad usage or bad input: the message is the one line the user sees (after "ladder: "). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Errors that are the input's fault, by name (not by class, so that recognising them loads none of
 * the modules that define them): the domain's ValidationError, a scenario's ScenarioError.
 */
const INPUT_ERRORS = new Set(['UsageError', 'ValidationError', 'ScenarioError']);
export const isInputError = (error: unknown): error is Error =>
  error instanceof Error && INPUT_ERRORS.has(error.name);

export const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

export const portNumber = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port, 0 to 65535');
  return n;
};

/** What node:fs said, in a few words ("no such file", "permission denied", ...). */
export function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EISDIR: 'is a directory, not a file',
    ENOTDIR: 'a part of the path is not a directory',
  };
  return (code && reasons[code]) ?? (error as Error).message.split('\n')[0] ?? 'cannot read it';
}

/** A file's text; UsageError naming the file (and what it was given as) when it cannot be read. */
export function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${what} ${file}: ${fsReason(error)}`);
  }
}

/** A JSON file; UsageError naming the file and the first problem when it is missing or not JSON. */
export function readJson(file: string, what: string): unknown {
  const text = readText(file, what);
  if (text.trim() === '') throw new UsageError(`${what} ${file}: empty file`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} ${file}: not JSON (${(error as Error).message.split('\n')[0]})`);
  }
}

/** A directory a run may fill: absent, or present and empty. Anything else is refused, never merged. */
export function requireEmptyDir(dir: string, option: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UsageError(`${option} ${dir}: is a file, not a directory`);
  if (readdirSync(dir).length > 0)
    throw new UsageError(`${option} ${dir}: not empty (give a new or empty directory)`);
}

/**
 * The file `ladder start` leaves in its output directory, so that the next run may replace the
 * directory whole: a run's timelines and evidence packs never mix with an earlier run's.
 */
export const OUTPUT_MARKER = '.ladder-output';

/**
 * Makes `dir` ready for a run's output: created, or emptied when an earlier `ladder start` wrote it
 * (it holds the marker). A non-empty directory without the marker is refused: it is not ours to delete.
 */
export function replaceOutputDir(dir: string, option: string): void {
  if (existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).length > 0) {
    if (!existsSync(join(dir, OUTPUT_MARKER))) {
      throw new UsageError(
        `${option} ${dir}: not empty and not written by ladder start (remove it, or give a new directory)`,
      );
    }
    for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
  } else {
    requireEmptyDir(dir, option);
  }
}

/** Marks `dir` as a run's output (see replaceOutputDir). */
export const markOutputDir = (dir: string): void =>
  writeFileSync(
    join(dir, OUTPUT_MARKER),
    'Written by `ladder start`; the next run replaces this directory whole.\n',
  );
