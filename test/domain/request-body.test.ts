import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ValidationError } from '../../functions/domain/errors.js';
import { jsonBody, parseBody } from '../../functions/domain/request-body.js';

describe('a request body', () => {
  it('an empty body is an empty object; a body that is not JSON is a 400 saying so', () => {
    expect(jsonBody(null)).toEqual({});
    expect(jsonBody('')).toEqual({});
    expect(jsonBody('{"a":1}')).toEqual({ a: 1 });
    expect(() => jsonBody('{a:1}')).toThrow(new ValidationError('body is not JSON'));
  });

  it('a body the schema refuses is a 400 naming the field; one it accepts is its parsed value', () => {
    const schema = z.object({ channel: z.enum(['SMS', 'EMAIL']) });
    expect(parseBody(schema, '{"channel":"SMS"}')).toEqual({ channel: 'SMS' });
    expect(() => parseBody(schema, '{"channel":"FAX"}')).toThrow(ValidationError);
    expect(() => parseBody(schema, '{"channel":"FAX"}')).toThrow(/channel/);
    expect(() => parseBody(schema, 'not json')).toThrow('body is not JSON');
  });
});
