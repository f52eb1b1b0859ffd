/**
 * Reads a synthesized Ladder template into StackIam (local/iam/template.ts). Which template resource
 * is which is taken from the Ladder construct's public properties (local/iam/handles.ts), never from
 * logical-id patterns, so refactoring the construct's internals does not change what is found.
 */
import type { CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { TABLES } from '../../functions/adapters/tables.js';
import type { LadderStack } from '../../lib/ladder-stack.js';
import { localTableName } from '../services/store.js';
import { ladderHandles, type WithRole } from './handles.js';
import {
  type Json,
  type PhysicalResource,
  pseudoParameters,
  type ResolveScope,
  resolveIntrinsics,
  UnresolvableIntrinsicError,
} from './intrinsics.js';
import { physicalResource } from './physical.js';
import { asArray, type PolicyDocument, type PolicyStatement } from './policy.js';
import {
  type IdentityPolicy,
  type KeyIam,
  type NamedResource,
  type PrincipalIam,
  type RoleIam,
  STACK_IAM_VERSION,
  type StackIam,
  type TableIam,
  type TableKey,
} from './template.js';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: { readonly [key: string]: Json };
}
export interface CfnTemplate {
  readonly Resources: Readonly<Record<string, CfnResource>>;
  readonly Mappings?: Readonly<Record<string, Record<string, Record<string, Json>>>>;
}
export interface Template {
  readonly template: CfnTemplate;
  readonly stack: LadderStack;
}
type Header = Pick<StackIam, 'partition' | 'region' | 'account' | 'stackName'>;

/** The resolver for one template: local names, pseudo parameters, and the resources' Ref/GetAtt. */
function makeScope(template: CfnTemplate, localNames: ReadonlyMap<string, string>, header: Header) {
  const pseudo = pseudoParameters(header);
  const env = { ...header, urlSuffix: pseudo['AWS::URLSuffix'] ?? 'amazonaws.com' };
  const cache = new Map<string, PhysicalResource | undefined>();
  const scope: ResolveScope = {
    pseudo,
    mappings: template.Mappings ?? {},
    resource(logicalId) {
      if (cache.has(logicalId)) return cache.get(logicalId);
      const resource = template.Resources[logicalId];
      const alias = resource?.Properties?.AliasName;
      const name = typeof alias === 'string' ? alias : (localNames.get(logicalId) ?? logicalId);
      const physical = resource && physicalResource(resource.Type, name, env, logicalId);
      cache.set(logicalId, physical);
      return physical;
    },
  };
  return scope;
}

function statementsOf(document: Json, where: string): PolicyStatement[] {
  const statements = asArray((document as unknown as PolicyDocument | null)?.Statement);
  for (const statement of statements) {
    if (statement?.Effect !== 'Allow' && statement?.Effect !== 'Deny') {
      throw new UnresolvableIntrinsicError(`${where}: a statement without Effect Allow or Deny`);
    }
  }
  return [...statements];
}

/** Every identity policy attached to the role `roleId`: inline, AWS::IAM::Policy and ManagedPolicy. */
function readRole(template: CfnTemplate, roleId: string, scope: ResolveScope): RoleIam {
  const role = template.Resources[roleId];
  const physical = scope.resource(roleId);
  if (role?.Type !== 'AWS::IAM::Role' || !physical) {
    throw new UnresolvableIntrinsicError(`${roleId} is not an AWS::IAM::Role of the template`);
  }
  const resolve = (value: Json | undefined, where: string) => resolveIntrinsics(value ?? null, scope, where);
  const list = (value: Json | undefined, where: string): Json[] => {
    const resolved = resolve(value, where);
    return resolved === null ? [] : Array.isArray(resolved) ? resolved : [resolved];
  };
  const policies: IdentityPolicy[] = [];
  for (const inline of list(role.Properties?.Policies, roleId)) {
    const { PolicyName, PolicyDocument } = inline as { PolicyName: string; PolicyDocument: Json };
    policies.push({ name: PolicyName, kind: 'inline', statements: statementsOf(PolicyDocument, roleId) });
  }
  const managedPolicyArns = new Set(list(role.Properties?.ManagedPolicyArns, roleId).map(String));
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const byArn = managedPolicyArns.delete(scope.resource(id)?.ref ?? id);
    if (!byArn && !list(resource.Properties?.Roles, id).includes(physical.ref)) continue;
    const props = resource.Properties ?? {};
    const name = resolve(props.PolicyName ?? props.ManagedPolicyName ?? id, id);
    policies.push({
      name: String(name),
      kind: resource.Type,
      statements: statementsOf(resolve(props.PolicyDocument, id), id),
    });
  }
  return {
    logicalId: roleId,
    name: physical.ref,
    arn: physical.attributes.Arn ?? '',
    policies,
    managedPolicyArns: [...managedPolicyArns],
  };
}

function readKeys(template: CfnTemplate, scope: ResolveScope): Record<string, KeyIam> {
  const keys: Record<string, KeyIam> = {};
  const aliases = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::KMS::Alias');
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::KMS::Key') continue;
    const physical = scope.resource(id) as PhysicalResource;
    const arn = physical.attributes.Arn ?? '';
    const targets = (aliasId: string, alias: CfnResource) => {
      const target = resolveIntrinsics(alias.Properties?.TargetKeyId ?? null, scope, aliasId);
      return target === physical.ref || target === arn;
    };
    keys[arn] = {
      logicalId: id,
      name: physical.ref,
      arn,
      keyId: physical.ref,
      policy: statementsOf(resolveIntrinsics(resource.Properties?.KeyPolicy ?? null, scope, id), id),
      aliases: aliases
        .filter(([aliasId, a]) => targets(aliasId, a))
        .map(([aliasId]) => {
          return scope.resource(aliasId)?.ref ?? aliasId;
        }),
    };
  }
  return keys;
}

/** StackIam of a synthesized template (see local/iam/template.ts), for this partition, region and account. */
export function readTemplate(
  { template, stack }: Template,
  env: Pick<StackIam, 'partition' | 'region' | 'account'>,
): StackIam {
  const header: Header = { ...env, stackName: stack.stackName };
  const ladder = ladderHandles(stack.ladder);
  const logicalId = (c: IConstruct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
  const tableKeys = Object.keys(ladder.tables) as TableKey[];
  const localNames = new Map<string, string>();
  for (const [name, fn] of Object.entries(ladder.functions)) localNames.set(logicalId(fn), name);
  for (const key of tableKeys) localNames.set(logicalId(ladder.tables[key]), localTableName(TABLES[key]));
  const scope = makeScope(template, localNames, header);

  const named = (construct: IConstruct): NamedResource => {
    const id = logicalId(construct);
    const physical = scope.resource(id);
    const arn = physical?.attributes.Arn ?? physical?.attributes.TopicArn;
    if (!physical || arn === undefined) throw new UnresolvableIntrinsicError(`${id}: no local ARN`);
    return { logicalId: id, name: localNames.get(id) ?? id, arn };
  };
  const principal = (construct: WithRole): PrincipalIam => {
    if (!construct.role) throw new UnresolvableIntrinsicError(`${construct.node.path} has no role`);
    return { ...named(construct), role: readRole(template, logicalId(construct.role), scope) };
  };
  const table = (key: TableKey): TableIam => {
    const resource = named(ladder.tables[key]);
    const indexes = TABLES[key].indexes.map((index) => [
      index.name,
      { arn: `${resource.arn}/index/${index.name}`, partitionKey: index.partitionKey.name },
    ]);
    return { ...resource, partitionKey: TABLES[key].partitionKey.name, indexes: Object.fromEntries(indexes) };
  };
  const map = <K extends string, V, R>(record: Readonly<Record<K, V>>, f: (value: V, key: K) => R) =>
    Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v as V, k as K)])) as Record<K, R>;

  return {
    version: STACK_IAM_VERSION,
    ...header,
    functions: map(ladder.functions, principal),
    stateMachines: map(ladder.stateMachines, principal),
    keys: readKeys(template, scope),
    tables: map(ladder.tables, (_table, key) => table(key)),
    bus: named(ladder.bus),
    evidenceBucket: named(ladder.evidenceBucket),
    caseKey: named(ladder.caseKey),
    contactKey: named(ladder.contactKey),
    sealKey: named(ladder.sealKey),
    lineKey: named(ladder.lineKey),
    linkKey: named(ladder.linkKey),
    queues: {
      deadLetter: named(ladder.deadLetterQueue),
      intake: named(ladder.intakeQueue),
      intakeDeadLetter: named(ladder.intakeDeadLetterQueue),
    },
    topics: { inboundSms: named(ladder.inboundSmsTopic), alarm: named(ladder.alarmTopic) },
  };
}
