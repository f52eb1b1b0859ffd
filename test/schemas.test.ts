import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PolicySchema } from '../functions/domain/policy.js';
import { ScenarioFileSchema } from '../local/scenario.js';
import { allJsonSchemas, eventJsonSchemas, formatJsonSchemas } from '../schemas/generate.js';

const json = (file: string) => JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'));

describe('schemas/*.schema.json', () => {
  it.each(Object.entries(allJsonSchemas()))(
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
  it('the policy schema requires what a policy must have and states each field', () => {
    const schema = JSON.parse(formatJsonSchemas()['policy.schema.json'] ?? '{}');
    expect(schema.required).toEqual(
      expect.arrayContaining(['id', 'version', 'rulePack', 'stages', 'templates']),
    );
    expect(schema.required).not.toContain('minStageSpacingDays');
    for (const [field, property] of Object.entries(
      schema.properties as Record<string, { description?: string }>,
    ))
      expect(property.description, field).toMatch(/\w/);
  });
  it("the scenario schema's inline policy is a partial policy whose `extends` states how it merges", () => {
    const schema = JSON.parse(formatJsonSchemas()['scenario.schema.json'] ?? '{}');
    const inline = schema.properties.policy.anyOf.find((s: { type: string }) => s.type === 'object');
    expect(inline.required ?? []).toEqual([]);
    expect(inline.additionalProperties).toBe(false);
    expect(inline.properties.extends.description).toMatch(
      /replaces the parent's field whole \(stages and other arrays/,
    );
    expect(schema.required).toEqual(['loans']);
  });
  it('the committed policies and samples are what their schemas describe', () => {
    for (const file of ['policies/default.json', 'policies/early-call.json'])
      expect(PolicySchema().safeParse(json(file)).success, file).toBe(true);
    for (const file of ['samples/scenario.json', 'samples/champion-challenger.json'])
      expect(ScenarioFileSchema.safeParse(json(file)).error, file).toBeUndefined();
  });
});
