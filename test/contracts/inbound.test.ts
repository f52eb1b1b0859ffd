import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { BorrowerPreferencesChangedSchema } from '../../functions/domain/events.js';

/**
 * The inbound contract documented in docs/events.md: the example there validates against the
 * committed JSON Schema with Ajv (an independent validator, as a sender in another language would use),
 * and the zod schema the events function validates with accepts it too; malformed details are refused
 * by both.
 */
const ajv = new Ajv2020({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const schema = JSON.parse(
  readFileSync(new URL('../../schemas/BorrowerPreferencesChanged.schema.json', import.meta.url), 'utf8'),
);
const validate = ajv.compile(schema);
const doc = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');
const example = /^### BorrowerPreferencesChanged\n[\s\S]*?```json\n([\s\S]*?)```/m.exec(doc)?.[1];

describe('BorrowerPreferencesChanged in docs/events.md', () => {
  it('has an example that Ajv and the zod schema both accept', () => {
    expect(example, 'docs/events.md has no "### BorrowerPreferencesChanged" json example').toBeDefined();
    const event = JSON.parse(example ?? '{}') as { 'detail-type': string; detail: unknown };
    expect(event['detail-type']).toBe('BorrowerPreferencesChanged');
    expect(validate(event.detail), JSON.stringify(validate.errors)).toBe(true);
    expect(BorrowerPreferencesChangedSchema.safeParse(event.detail).success).toBe(true);
  });

  it.each([
    ['a time that is not HH:MM', { contactWindow: { start: '7:00', end: '09:00' } }],
    ['a language the templates do not speak', { language: 'fr' }],
    ['a time without an offset', { language: 'en', at: '2026-12-12T09:29:41' }],
    ['no borrower', { language: 'en', borrowerId: undefined }],
  ])('refuses %s, in Ajv and in zod', (_, change) => {
    const detail = { borrowerId: 'BR-88231', at: '2026-12-12T09:29:41Z', ...change };
    const json = JSON.parse(JSON.stringify(detail));
    expect(validate(json)).toBe(false);
    expect(BorrowerPreferencesChangedSchema.safeParse(json).success).toBe(false);
  });
});
