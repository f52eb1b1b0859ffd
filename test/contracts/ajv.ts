import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * The independent oracle of the outbound contracts: Ajv (not zod) compiling the committed JSON Schemas
 * in schemas/outbound/, as a consumer in another language would read them.
 */
export function outboundValidators(): Map<string, ValidateFunction> {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const dir = new URL('../../schemas/outbound/', import.meta.url);
  const validators = new Map<string, ValidateFunction>();
  for (const file of readdirSync(dir)) {
    const schema = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { title: string };
    validators.set(schema.title, ajv.compile(schema));
  }
  return validators;
}
