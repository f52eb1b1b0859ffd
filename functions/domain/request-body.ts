import type * as z from 'zod';
import { ValidationError } from './errors.js';
import { describeZodError } from './events.js';

/** A request's JSON body (an empty body is `{}`); anything that does not parse is a ValidationError (400). */
export function jsonBody(body: string | null): unknown {
  try {
    return JSON.parse(body || '{}');
  } catch {
    throw new ValidationError('body is not JSON');
  }
}

/** A request's JSON body checked by `schema`; a refusal names the field, as every API's 400 does. */
export function parseBody<T>(schema: z.ZodType<T>, body: string | null): T {
  const parsed = schema.safeParse(jsonBody(body));
  if (!parsed.success) throw new ValidationError(describeZodError(parsed.error));
  return parsed.data;
}
