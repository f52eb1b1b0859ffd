/**
 * Condition blocks: the operators the local evaluator implements, compiled once per policy. Semantics
 * (AWS's documentation, checked against @cloud-copilot/iam-simulate by test/local/iam):
 * - the keys of a block are ANDed, the values of one key ORed; a negated operator (StringNotEquals, ...)
 *   holds when no value matches;
 * - a key missing from the request: false, except for negated operators and `...IfExists` (true);
 *   `ForAllValues:` holds (vacuously), `ForAnyValue:` does not;
 * - a multivalued key (an array in the request) never satisfies a single-valued operator: IAM wants
 *   ForAllValues/ForAnyValue for it;
 * - a request value of the wrong kind (not an ARN for Arn*, not a number for Numeric*, not true/false for
 *   Bool) satisfies neither the operator nor its negation.
 * Condition key names are case-insensitive, values case-sensitive (but for *IgnoreCase and Bool).
 * Any other operator, or a combination whose meaning is not settled, throws IamPolicyError.
 */
import { arnParts, IamPolicyError, wildcardRegExp } from './match.js';
import type { ConditionBlock, ConditionScalar } from './policy.js';

export type ContextValue = string | readonly string[];
/** The request context with lower-cased keys. */
export type ContextMap = ReadonlyMap<string, ContextValue>;

export interface CompiledCondition {
  /** The condition key, lower-cased. */
  readonly key: string;
  test(context: ContextMap): boolean;
}

interface BaseOperator {
  readonly negated: boolean;
  /** Whether a request value is of the operator's kind at all. */
  applies(value: string): boolean;
  /** The comparison with one policy value. */
  compile(policyValue: string, where: string): (value: string) => boolean;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const number = (text: string): number | undefined => (NUMBER.test(text) ? Number(text) : undefined);
const isBool = (text: string) => /^(true|false)$/i.test(text);
const always = () => true;

const stringEquals = { applies: always, compile: (p: string) => (v: string) => v === p };
const ignoreCase = {
  applies: always,
  compile: (p: string) => {
    const lower = p.toLowerCase();
    return (v: string) => v.toLowerCase() === lower;
  },
};
const stringLike = {
  applies: always,
  compile: (p: string) => {
    const re = wildcardRegExp(p);
    return (v: string) => re.test(v);
  },
};
/** ArnEquals and ArnLike are the same test: each of the six parts matched on its own, with wildcards. */
const arnLike = {
  applies: (v: string) => arnParts(v) !== undefined,
  compile: (p: string, where: string) => {
    const parts = arnParts(p)?.map((part) => wildcardRegExp(part));
    if (!parts) throw new IamPolicyError(`${where}: "${p}" is not an ARN`);
    return (v: string) => {
      const actual = arnParts(v);
      return actual !== undefined && parts.every((re, i) => re.test(actual[i] ?? ''));
    };
  },
};
const numeric = (compare: (value: number, policy: number) => boolean) => ({
  applies: (v: string) => number(v) !== undefined,
  compile: (p: string, where: string) => {
    const policy = number(p);
    if (policy === undefined) throw new IamPolicyError(`${where}: "${p}" is not a number`);
    return (v: string) => compare(number(v) ?? Number.NaN, policy);
  },
});
const bool = {
  applies: isBool,
  compile: (p: string, where: string) => {
    if (!isBool(p)) throw new IamPolicyError(`${where}: "${p}" is not true or false`);
    return (v: string) => v.toLowerCase() === p.toLowerCase();
  },
};

const positive = (op: Omit<BaseOperator, 'negated'>): BaseOperator => ({ ...op, negated: false });
const negative = (op: Omit<BaseOperator, 'negated'>): BaseOperator => ({ ...op, negated: true });

/** By lower-cased name. */
const OPERATORS: ReadonlyMap<string, BaseOperator> = new Map([
  ['stringequals', positive(stringEquals)],
  ['stringnotequals', negative(stringEquals)],
  ['stringequalsignorecase', positive(ignoreCase)],
  ['stringnotequalsignorecase', negative(ignoreCase)],
  ['stringlike', positive(stringLike)],
  ['stringnotlike', negative(stringLike)],
  ['arnequals', positive(arnLike)],
  ['arnlike', positive(arnLike)],
  ['arnnotequals', negative(arnLike)],
  ['arnnotlike', negative(arnLike)],
  ['numericequals', positive(numeric((v, p) => v === p))],
  ['numericnotequals', negative(numeric((v, p) => v === p))],
  ['numericlessthan', positive(numeric((v, p) => v < p))],
  ['numericlessthanequals', positive(numeric((v, p) => v <= p))],
  ['numericgreaterthan', positive(numeric((v, p) => v > p))],
  ['numericgreaterthanequals', positive(numeric((v, p) => v >= p))],
  ['bool', positive(bool)],
]);

function policyValues(raw: ConditionScalar | readonly ConditionScalar[], where: string): string[] {
  const values = (Array.isArray(raw) ? raw : [raw]).map(String);
  if (values.length === 0) throw new IamPolicyError(`${where}: no values`);
  if (values.some((v) => v.includes('${')))
    throw new IamPolicyError(`${where}: policy variables are not supported`);
  return values;
}

/** Null: "true" holds when the key is missing, "false" when it is present. */
function compileNull(key: string, values: string[], where: string): CompiledCondition {
  const wanted = values.map((v) => v.toLowerCase());
  if (!wanted.every(isBool)) throw new IamPolicyError(`${where}: Null takes true or false`);
  return { key, test: (context) => wanted.includes(context.has(key) ? 'false' : 'true') };
}

function compileOne(operator: string, rawKey: string, raw: ConditionScalar | readonly ConditionScalar[]) {
  const where = `Condition ${operator} ${rawKey}`;
  const key = rawKey.toLowerCase();
  const values = policyValues(raw, where);
  const parsed = /^(?:(forallvalues|foranyvalue):)?(.+?)(ifexists)?$/i.exec(operator);
  const set = parsed?.[1]?.toLowerCase();
  const name = parsed?.[2]?.toLowerCase() ?? '';
  const ifExists = parsed?.[3] !== undefined;
  if (name === 'null' && !set && !ifExists) return compileNull(key, values, where);
  const base = OPERATORS.get(name);
  if (!base) throw new IamPolicyError(`${where}: the operator is not supported by the local evaluator`);
  // Whether a missing key satisfies ForAnyValue:...IfExists is not settled (AWS and the reference
  // simulator could disagree): refused rather than guessed.
  if (set === 'foranyvalue' && ifExists) throw new IamPolicyError(`${where}: ForAnyValue with IfExists`);
  const tests = values.map((value) => base.compile(value, where));
  const holds = (value: string) =>
    base.applies(value) && (base.negated ? !tests.some((t) => t(value)) : tests.some((t) => t(value)));
  const test = (context: ContextMap): boolean => {
    const value = context.get(key);
    if (value === undefined) return set === 'forallvalues' || (!set && (ifExists || base.negated));
    if (!set) return typeof value === 'string' && holds(value);
    const all = typeof value === 'string' ? [value] : value;
    return set === 'forallvalues' ? all.every(holds) : all.some(holds);
  };
  return { key, test };
}

/** Every key of every operator of a Condition block, to be ANDed. */
export function compileConditions(block: ConditionBlock | undefined, where: string): CompiledCondition[] {
  const conditions: CompiledCondition[] = [];
  for (const [operator, entries] of Object.entries(block ?? {})) {
    for (const [key, raw] of Object.entries(entries)) {
      try {
        conditions.push(compileOne(operator, key, raw));
      } catch (error) {
        if (error instanceof IamPolicyError) throw new IamPolicyError(`${where}: ${error.message}`);
        throw error;
      }
    }
  }
  return conditions;
}

/** The request context as the compiled conditions read it. */
export function contextMap(context: Readonly<Record<string, ContextValue>> | undefined): ContextMap {
  return new Map(Object.entries(context ?? {}).map(([key, value]) => [key.toLowerCase(), value]));
}
