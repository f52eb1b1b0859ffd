import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventJsonSchemas, outboundJsonSchemas } from '../schemas/generate.js';

describe('schemas/*.schema.json', () => {
  it.each(Object.entries({ ...eventJsonSchemas(), ...outboundJsonSchemas() }))(
    '%s is generated from the zod schema (run `npm run schemas`)',
    (file, text) => {
      expect(readFileSync(new URL(`../schemas/${file}`, import.meta.url), 'utf8')).toBe(text);
    },
  );
  it('LoanDelinquent requires the borrower and describes what JSON Schema cannot check', () => {
    const schema = JSON.parse(eventJsonSchemas()['LoanDelinquent.schema.json'] ?? '{}');
    expect(schema.required).toEqual(
      expect.arrayContaining(['loanId', 'amountDue', 'currency', 'dueDate', 'borrower']),
    );
    expect(schema.properties.currency.description).toMatch(/ISO 4217/);
  });
});
