import { mkdirSync, writeFileSync } from 'node:fs';
import * as z from 'zod';
import { EVENT_SCHEMAS } from '../functions/domain/events.js';
import { OUTBOUND_SCHEMAS, OUTBOUND_TYPES, outboundVersion } from '../functions/domain/outbound.js';

/**
 * The events' JSON Schemas (the EventBridge `detail` of each detail-type), generated from the same
 * zod schemas the code validates with. `npm run schemas` rewrites them; a test fails on drift.
 * Checks JSON Schema cannot express (a real ISO 4217 code, a known IANA zone) are in the descriptions.
 *
 * - `schemas/<Type>.schema.json`: what upstream systems publish to Ladder (the handlers validate).
 * - `schemas/outbound/<Type>.v<N>.schema.json`: what Ladder publishes (source `ladder`), version N;
 *   the publishers validate every detail before it leaves (functions/domain/outbound.ts).
 */
const jsonSchema = (schema: z.ZodType, id: string, title: string): string => {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ $id: id, title, ...json }, null, 2)}\n`;
};

export function eventJsonSchemas(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(EVENT_SCHEMAS).map(([name, schema]) => [
      `${name}.schema.json`,
      jsonSchema(schema, `urn:ladder:event:${name}`, name),
    ]),
  );
}

/** The outbound events' schemas by file name under schemas/ (`outbound/LetterRequested.v1.schema.json`). */
export function outboundJsonSchemas(): Record<string, string> {
  return Object.fromEntries(
    OUTBOUND_TYPES.map((name) => {
      const v = outboundVersion(name);
      return [
        `outbound/${name}.v${v}.schema.json`,
        jsonSchema(OUTBOUND_SCHEMAS[name], `urn:ladder:event:${name}:v${v}`, name),
      ];
    }),
  );
}

if (process.argv[1]?.endsWith('generate.ts')) {
  mkdirSync(new URL('outbound/', import.meta.url), { recursive: true });
  const files = { ...eventJsonSchemas(), ...outboundJsonSchemas() };
  for (const [file, text] of Object.entries(files)) writeFileSync(new URL(file, import.meta.url), text);
  console.log(`wrote ${Object.keys(files).length} schemas to schemas/`);
}
