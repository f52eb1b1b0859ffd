/** The JSON shape of IAM policy documents, as the resolved template and the evaluator use them. */

/** One value of a condition block as written in a policy (IAM compares them as strings). */
export type ConditionScalar = string | number | boolean;

/** `{ Operator: { ConditionKey: value | values } }` */
export type ConditionBlock = Readonly<
  Record<string, Readonly<Record<string, ConditionScalar | readonly ConditionScalar[]>>>
>;

/** `"*"` or `{ AWS | Service | Federated | CanonicalUser: value | values }` (resource policies only). */
export type PolicyPrincipal = '*' | Readonly<Record<string, string | readonly string[]>>;

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: ConditionBlock;
  readonly Principal?: PolicyPrincipal;
  readonly NotPrincipal?: unknown;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: PolicyStatement | readonly PolicyStatement[];
}

export const asArray = <T>(value: T | readonly T[] | undefined): readonly T[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T];
