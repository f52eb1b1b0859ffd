/**
 * What a value becomes on its way into and out of DynamoDB through the document client
 * (`removeUndefinedValues: true`, functions/adapters/env.ts), without the wire: a fresh deep copy in
 * which undefined values and functions are dropped from maps, lists and sets; numbers must be finite
 * and safe integers or fractions; a class instance (a Date, ...) is refused as marshall refuses it.
 * The copy also weighs the item as DynamoDB does (attribute names plus values, in bytes), so an item
 * over the 400 KB limit is refused here as it is there.
 */
import type { Item } from './memory-expressions.js';

/** What marshall throws: a plain Error. */
export class MarshallError extends Error {}

interface Weight {
  bytes: number;
  strings: string[];
}

function copyValue(value: unknown, weight: Weight): unknown {
  switch (typeof value) {
    case 'string':
      // UTF-16 units: a lower bound on the UTF-8 bytes, made exact (below) only near the limit.
      weight.bytes += value.length;
      weight.strings.push(value);
      return value;
    case 'boolean':
      weight.bytes += 1;
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new MarshallError(`Special numeric value ${value} is not allowed`);
      if (Math.abs(value) > Number.MAX_SAFE_INTEGER)
        throw new MarshallError(`Number ${value} is outside the safe integer range`);
      // DynamoDB: about one byte per two significant digits, plus one.
      weight.bytes += Math.ceil(String(value).replace(/[-.e+]/g, '').length / 2) + 1;
      return value;
    case 'object':
      break;
    default:
      throw new MarshallError(`Unsupported type passed: ${String(value)}`);
  }
  if (value === null) {
    weight.bytes += 1;
    return null;
  }
  weight.bytes += 3;
  if (Array.isArray(value)) {
    const list: unknown[] = [];
    for (const element of value) {
      if (element === undefined || typeof element === 'function') continue;
      weight.bytes += 1;
      list.push(copyValue(element, weight));
    }
    return list;
  }
  if (value instanceof Set) {
    const kept = [...value].filter((v) => v !== undefined);
    if (kept.length === 0)
      throw new MarshallError('Pass a non-empty set, or options.convertEmptyValues=true.');
    return new Set(kept.map((v) => copyValue(v, weight)));
  }
  if (value instanceof Uint8Array) {
    weight.bytes += value.byteLength;
    return Buffer.from(value);
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null)
    throw new MarshallError(
      `Unsupported type passed: ${String(value)}. Pass options.convertClassInstanceToMap=true to marshall typeof object as map attribute.`,
    );
  return copyMap(value as Record<string, unknown>, weight);
}

function copyMap(map: Record<string, unknown>, weight: Weight): Item {
  const out: Item = {};
  for (const key of Object.keys(map)) {
    const v = map[key];
    if (v === undefined || typeof v === 'function') continue;
    weight.bytes += key.length + 1;
    weight.strings.push(key);
    out[key] = copyValue(v, weight);
  }
  return out;
}

/** A stored item's copy and its size in bytes (exact once it is within a third of `limit`). */
export function copyItem(item: Item, limit: number): { item: Item; bytes: number } {
  const weight: Weight = { bytes: 0, strings: [] };
  const copy = copyMap(item, weight);
  // A string's UTF-8 bytes are at most three per UTF-16 unit.
  if (weight.bytes * 3 > limit)
    for (const s of weight.strings) weight.bytes += Buffer.byteLength(s) - s.length;
  return { item: copy, bytes: weight.bytes };
}

/** A copy handed out to a reader, who may change it without changing what is stored (already checked: no checks). */
export function readCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  // Stored maps are plain objects made by copyMap (no inherited keys), the commonest case: first.
  if (Object.getPrototypeOf(value) === Object.prototype) {
    const out: Item = {};
    for (const key in value) out[key] = readCopy((value as Item)[key]);
    return out as T;
  }
  if (Array.isArray(value)) return value.map((element) => readCopy(element)) as T;
  if (value instanceof Set) return new Set([...value].map((element) => readCopy(element))) as T;
  return Buffer.from(value as unknown as Uint8Array) as T;
}
