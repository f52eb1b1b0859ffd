/**
 * Resolves the CloudFormation intrinsics of a synthesized template's IAM documents to plain JSON, the
 * way CloudFormation would at deploy time, but with LOCAL physical names: the local runtime has no
 * stack, so each resource's Ref and attributes are computed from the name the local runtime gives it.
 *
 * Only what IAM documents can contain is supported; anything else (Fn::If, Fn::ImportValue, a Ref to a
 * template parameter, an attribute this module cannot compute) throws `UnresolvableIntrinsicError`
 * naming where it was: a policy that cannot be resolved must not be half-enforced.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** An intrinsic, pseudo parameter or attribute that cannot be resolved locally. */
export class UnresolvableIntrinsicError extends Error {
  override readonly name = 'UnresolvableIntrinsicError';
}

/** What `Ref` and `Fn::GetAtt` give for one resource. */
export interface PhysicalResource {
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface ResolveScope {
  /** AWS::Partition, AWS::Region, ... by their full name. */
  readonly pseudo: Readonly<Record<string, string>>;
  /** The physical resource of a logical id; undefined if the template has no such resource. */
  resource(logicalId: string): PhysicalResource | undefined;
  readonly mappings: Readonly<Record<string, Record<string, Record<string, Json>>>>;
}

/** Suffix of service endpoints per partition (AWS::URLSuffix); the commercial one elsewhere. */
const URL_SUFFIX: Readonly<Record<string, string>> = {
  'aws-cn': 'amazonaws.com.cn',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
};

export function pseudoParameters(p: {
  partition: string;
  region: string;
  account: string;
  stackName: string;
}): Record<string, string> {
  return {
    'AWS::Partition': p.partition,
    'AWS::Region': p.region,
    'AWS::AccountId': p.account,
    'AWS::URLSuffix': URL_SUFFIX[p.partition] ?? 'amazonaws.com',
    'AWS::StackName': p.stackName,
    'AWS::StackId': `arn:${p.partition}:cloudformation:${p.region}:${p.account}:stack/${p.stackName}/local`,
  };
}

const fail = (where: string, what: string): never => {
  throw new UnresolvableIntrinsicError(`${where}: ${what}`);
};

function asString(value: Json, where: string): string {
  return typeof value === 'string' ? value : fail(where, `expected a string, got ${JSON.stringify(value)}`);
}

function asList(value: Json, where: string): Json[] {
  return Array.isArray(value) ? value : fail(where, `expected a list, got ${JSON.stringify(value)}`);
}

function ref(name: string, scope: ResolveScope, where: string): string {
  const pseudo = scope.pseudo[name];
  if (pseudo !== undefined) return pseudo;
  const resource = scope.resource(name);
  return resource
    ? resource.ref
    : fail(where, `Ref to "${name}", which is neither a resource nor resolvable`);
}

function getAtt(logicalId: string, attribute: string, scope: ResolveScope, where: string): string {
  const resource = scope.resource(logicalId) ?? fail(where, `Fn::GetAtt of unknown resource "${logicalId}"`);
  return resource.attributes[attribute] ?? fail(where, `Fn::GetAtt ${logicalId}.${attribute} is not known`);
}

/** Fn::Sub: `${Name}` (variable, pseudo parameter or Ref), `${Id.Attr}` (GetAtt), `${!Literal}`. */
function sub(args: Json, scope: ResolveScope, where: string): string {
  const [template, variables] = Array.isArray(args) ? args : [args, {}];
  const text = asString(template ?? null, where);
  const vars = variables && typeof variables === 'object' && !Array.isArray(variables) ? variables : {};
  return text.replace(/\$\{([^}]*)\}/g, (_match, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    const variable = vars[name];
    if (variable !== undefined) return asString(resolveIntrinsics(variable, scope, where), where);
    const dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith('AWS::')) {
      return getAtt(name.slice(0, dot), name.slice(dot + 1), scope, where);
    }
    return ref(name, scope, where);
  });
}

function intrinsic(fn: string, args: Json, scope: ResolveScope, where: string): Json {
  const at = `${where} ${fn}`;
  const resolved = (value: Json | undefined): Json => resolveIntrinsics(value ?? null, scope, at);
  switch (fn) {
    case 'Ref':
      return ref(asString(args, at), scope, at);
    case 'Fn::GetAtt': {
      const [id, attribute] = typeof args === 'string' ? args.split(/\.(.*)/s) : asList(args, at);
      return getAtt(asString(id ?? null, at), asString(resolved(attribute), at), scope, at);
    }
    case 'Fn::Join': {
      const [delimiter, list] = asList(args, at);
      const parts = asList(resolved(list), at).map((part) => asString(resolved(part), at));
      return parts.join(asString(delimiter ?? null, at));
    }
    case 'Fn::Sub':
      return sub(args, scope, at);
    case 'Fn::Select': {
      const [index, list] = asList(args, at);
      const items = asList(resolved(list), at);
      const item = items[Number(resolved(index))];
      return item === undefined ? fail(at, `index ${JSON.stringify(index)} out of range`) : resolved(item);
    }
    case 'Fn::Split': {
      const [delimiter, text] = asList(args, at);
      return asString(resolved(text), at).split(asString(delimiter ?? null, at));
    }
    case 'Fn::FindInMap': {
      const [map, top, second] = asList(args, at).map((part) => asString(resolved(part), at));
      const value = scope.mappings[map ?? '']?.[top ?? '']?.[second ?? ''];
      return value === undefined ? fail(at, `no mapping ${map}.${top}.${second}`) : value;
    }
    default:
      return fail(at, 'not supported locally');
  }
}

/** A copy of `value` with every intrinsic resolved; `where` names the place in errors. */
export function resolveIntrinsics(value: Json, scope: ResolveScope, where: string): Json {
  if (Array.isArray(value)) return value.map((item, i) => resolveIntrinsics(item, scope, `${where}[${i}]`));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only !== undefined && (only === 'Ref' || only.startsWith('Fn::'))) {
    return intrinsic(only, value[only] ?? null, scope, where);
  }
  const out: { [key: string]: Json } = {};
  for (const key of keys) out[key] = resolveIntrinsics(value[key] ?? null, scope, `${where}.${key}`);
  return out;
}
