/**
 * The DynamoDB expressions of the in-memory store (memory-store.ts), parsed once per distinct text and
 * evaluated on plain items (the document client's form). The grammar is the subset DynamoDB accepts
 * that the stores in functions/adapters write, and an expression outside it fails loudly
 * (ValidationException) rather than being guessed at:
 *
 * - conditions: `a = :v`, `<>`, `<`, `<=`, `>`, `>=`, `attribute_exists(a)`, `attribute_not_exists(a)`,
 *   `begins_with(a, :v)`, `AND`, `OR`, `NOT`, parentheses;
 * - updates: `SET a = :v, b = :w` and `REMOVE a, b`;
 * - projections: a comma-separated list of top-level attribute names.
 *
 * `#name` placeholders come from ExpressionAttributeNames and `:value` ones from
 * ExpressionAttributeValues, as on DynamoDB.
 */
export type Item = Record<string, unknown>;

export class ExpressionError extends Error {
  override name = 'ValidationException';
}

type Operand = { path: string } | { value: string };
export type Condition =
  | { op: 'and' | 'or'; left: Condition; right: Condition }
  | { op: 'not'; of: Condition }
  | { op: 'exists' | 'not_exists'; path: string }
  | { op: 'begins_with'; path: string; prefix: Operand }
  | { op: '=' | '<>' | '<' | '<=' | '>' | '>='; left: Operand; right: Operand };

const TOKEN = /\s*(<>|<=|>=|[=<>(),]|[#:]?[A-Za-z_][A-Za-z0-9_]*)/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const m = TOKEN.exec(text);
    if (!m?.[1]) throw new ExpressionError(`Invalid expression: unexpected text in "${text}"`);
    tokens.push(m[1]);
  }
  return tokens;
}

/** A recursive-descent parser over the tokens of one condition. */
function parser(text: string) {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string): string => {
    const t = tokens[at++];
    if (t === undefined || (expected !== undefined && t.toUpperCase() !== expected.toUpperCase()))
      throw new ExpressionError(`Invalid expression: expected ${expected ?? 'a token'} in "${text}"`);
    return t;
  };
  const operand = (): Operand => {
    const t = take();
    if (t.startsWith(':')) return { value: t };
    if (/^#?[A-Za-z_]/.test(t)) return { path: t };
    throw new ExpressionError(`Invalid expression: operand expected in "${text}"`);
  };
  const factor = (): Condition => {
    const t = peek();
    if (t === '(') {
      take('(');
      const inner = or();
      take(')');
      return inner;
    }
    if (t?.toUpperCase() === 'NOT') {
      take();
      return { op: 'not', of: factor() };
    }
    const fn = t?.toLowerCase();
    if (tokens[at + 1] === '(' && (fn === 'attribute_exists' || fn === 'attribute_not_exists')) {
      take();
      take('(');
      const path = take();
      take(')');
      return { op: fn === 'attribute_exists' ? 'exists' : 'not_exists', path };
    }
    if (tokens[at + 1] === '(' && fn === 'begins_with') {
      take();
      take('(');
      const path = take();
      take(',');
      const prefix = operand();
      take(')');
      return { op: 'begins_with', path, prefix };
    }
    const left = operand();
    const op = take();
    if (!['=', '<>', '<', '<=', '>', '>='].includes(op))
      throw new ExpressionError(`Invalid expression: comparator expected in "${text}"`);
    return { op: op as '=', left, right: operand() };
  };
  const and = (): Condition => {
    let left = factor();
    while (peek()?.toUpperCase() === 'AND') {
      take();
      left = { op: 'and', left, right: factor() };
    }
    return left;
  };
  const or = (): Condition => {
    let left = and();
    while (peek()?.toUpperCase() === 'OR') {
      take();
      left = { op: 'or', left, right: and() };
    }
    return left;
  };
  return {
    parse(): Condition {
      const condition = or();
      if (at !== tokens.length) throw new ExpressionError(`Invalid expression: trailing text in "${text}"`);
      return condition;
    },
  };
}

const conditions = new Map<string, Condition>();

/** A condition or key condition, parsed once per distinct text. */
export function parseCondition(text: string): Condition {
  let parsed = conditions.get(text);
  if (!parsed) {
    parsed = parser(text).parse();
    conditions.set(text, parsed);
  }
  return parsed;
}

export interface Placeholders {
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** The attribute a path token names (`#s` through ExpressionAttributeNames). */
export function attributeOf(path: string, p: Placeholders): string {
  if (!path.startsWith('#')) return path;
  const name = p.names?.[path];
  if (name === undefined)
    throw new ExpressionError(`An expression attribute name used is not defined: ${path}`);
  return name;
}

function operandValue(operand: Operand, item: Item | undefined, p: Placeholders): unknown {
  if ('path' in operand) return item?.[attributeOf(operand.path, p)];
  if (!p.values || !(operand.value in p.values))
    throw new ExpressionError(`An expression attribute value used is not defined: ${operand.value}`);
  return p.values[operand.value];
}

/**
 * DynamoDB's order: numbers by value, strings by their UTF-8 bytes (which is code point order, not
 * JavaScript's UTF-16 code unit order: units are mapped so that surrogates sort above U+E000-U+FFFF).
 */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    let u = x.charCodeAt(i);
    let v = y.charCodeAt(i);
    if (u === v) continue;
    if (u >= 0xd800) u = u >= 0xe000 ? u - 0x800 : u + 0x2000;
    if (v >= 0xd800) v = v >= 0xe000 ? v - 0x800 : v + 0x2000;
    return u - v;
  }
  return x.length - y.length;
}

/** Equality of two attribute values as DynamoDB compares them (scalars by value, documents deeply). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether the item (undefined: none stored) satisfies the condition. */
export function holds(c: Condition, item: Item | undefined, p: Placeholders): boolean {
  switch (c.op) {
    case 'and':
      return holds(c.left, item, p) && holds(c.right, item, p);
    case 'or':
      return holds(c.left, item, p) || holds(c.right, item, p);
    case 'not':
      return !holds(c.of, item, p);
    case 'exists':
      return item?.[attributeOf(c.path, p)] !== undefined;
    case 'not_exists':
      return item?.[attributeOf(c.path, p)] === undefined;
    case 'begins_with': {
      const v = item?.[attributeOf(c.path, p)];
      const prefix = operandValue(c.prefix, item, p);
      return typeof v === 'string' && typeof prefix === 'string' && v.startsWith(prefix);
    }
    default: {
      const left = operandValue(c.left, item, p);
      const right = operandValue(c.right, item, p);
      if (c.op === '=') return left !== undefined && sameValue(left, right);
      if (c.op === '<>') return left === undefined || right === undefined || !sameValue(left, right);
      // Ordering comparisons hold only between two numbers or two strings.
      const comparable =
        (typeof left === 'number' && typeof right === 'number') ||
        (typeof left === 'string' && typeof right === 'string');
      if (!comparable) return false;
      const order = compareValues(left, right);
      if (c.op === '<') return order < 0;
      if (c.op === '<=') return order <= 0;
      if (c.op === '>') return order > 0;
      return order >= 0;
    }
  }
}

export interface Update {
  set: Array<{ path: string; value: string }>;
  remove: string[];
}

const updates = new Map<string, Update>();

/** `SET a = :v, ... REMOVE b, ...`, parsed once per distinct text. */
export function parseUpdate(text: string): Update {
  const known = updates.get(text);
  if (known) return known;
  const tokens = tokenize(text);
  const update: Update = { set: [], remove: [] };
  let clause: 'SET' | 'REMOVE' | undefined;
  for (let at = 0; at < tokens.length; ) {
    const t = tokens[at] ?? '';
    const upper = t.toUpperCase();
    if (upper === 'SET' || upper === 'REMOVE') {
      clause = upper;
      at += 1;
    } else if (t === ',') at += 1;
    else if (clause === 'SET' && tokens[at + 1] === '=' && tokens[at + 2]?.startsWith(':')) {
      update.set.push({ path: t, value: tokens[at + 2] ?? '' });
      at += 3;
    } else if (clause === 'REMOVE' && /^#?[A-Za-z_]/.test(t)) {
      update.remove.push(t);
      at += 1;
    } else throw new ExpressionError(`Invalid UpdateExpression: unsupported syntax in "${text}"`);
  }
  updates.set(text, update);
  return update;
}

/** The item after the update (a new object; the stored one is not changed). */
export function applyUpdate(u: Update, item: Item, p: Placeholders): Item {
  const next: Item = { ...item };
  for (const { path, value } of u.set) next[attributeOf(path, p)] = operandValue({ value }, item, p);
  for (const path of u.remove) delete next[attributeOf(path, p)];
  return next;
}

/** The attributes a ProjectionExpression keeps. */
export function projectionOf(text: string, p: Placeholders): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => attributeOf(s, p));
}
