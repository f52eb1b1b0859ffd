/**
 * IAM's wildcard matching (`*`: any run of characters, `?`: one character) for actions, resources and
 * string/ARN conditions.
 */

/** Thrown for a policy the local evaluator cannot enforce faithfully: it never guesses. */
export class IamPolicyError extends Error {
  override readonly name = 'IamPolicyError';
}

/** `pattern` with IAM wildcards as an anchored regular expression. */
export function wildcardRegExp(pattern: string, ignoreCase = false): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
}

/** The six colon-separated parts of an ARN (the last keeps its colons); undefined if not an ARN. */
export function arnParts(value: string): string[] | undefined {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/**
 * A Resource/NotResource entry. AWS documents two readings of a wildcard in a resource ARN: within its
 * colon-separated segment (partition, service, region and account compared without case, as IAM does),
 * and, for a `*` ending a segment, across colons too (the whole string). Where they differ the evaluator
 * takes the stricter reading for an Allow and the broader one for a Deny: in doubt, access is denied.
 */
export interface ResourcePattern {
  readonly source: string;
  /** Both readings match (what an Allow needs). */
  strict(resource: string): boolean;
  /** Either reading matches (what a Deny needs). */
  broad(resource: string): boolean;
}

const hasWildcard = (text: string) => /[*?]/.test(text);

export function resourcePattern(source: string, where: string): ResourcePattern {
  if (source === '*') return { source, strict: () => true, broad: () => true };
  if (source.includes('${')) throw new IamPolicyError(`${where}: policy variables are not supported`);
  const whole = wildcardRegExp(source);
  const parts = arnParts(source) ?? (source.startsWith('arn:') ? padded(source) : undefined);
  const resourceSegment = parts?.[5] ?? '';
  const product = /[/:]/.test(resourceSegment) ? resourceSegment.split(/[/:]/)[0] : '';
  // The resource-type prefix ("table" in table/Cases) takes no wildcard (AWS: incorrect wildcard usage).
  if (parts && parts[2] !== 's3' && product !== undefined && hasWildcard(product)) {
    throw new IamPolicyError(`${where}: a wildcard in the resource type of "${source}" is not supported`);
  }
  const segments = parts?.map((part, i) => wildcardRegExp(part, i > 0 && i < 5));
  const segmented = (resource: string): boolean | undefined => {
    const actual = segments && arnParts(resource);
    return actual ? segments.every((re, i) => re.test(actual[i] ?? '')) : undefined;
  };
  return {
    source,
    strict: (resource) => whole.test(resource) && (segmented(resource) ?? true),
    broad: (resource) => whole.test(resource) || (segmented(resource) ?? false),
  };
}

/** A short ARN in a policy ("arn:aws:s3") stands for the missing segments as wildcards. */
function padded(source: string): string[] {
  const parts = source.split(':');
  while (parts.length < 6) parts.push('*');
  return parts;
}
