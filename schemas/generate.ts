import { writeFileSync } from 'node:fs';
import * as z from 'zod';
import { EVENT_SCHEMAS } from '../functions/domain/events.js';

/**
 * The events' JSON Schemas (the EventBridge `detail` of each detail-type), generated from the same
 * zod schemas the handlers validate with. `npm run schemas` rewrites them; a test fails on drift.
 * Checks JSON Schema cannot express (a real ISO 4217 code, a known IANA zone) are in the descriptions.
 */
export function eventJsonSchemas(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(EVENT_SCHEMAS).map(([name, schema]) => {
      const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
      const doc = { $id: `urn:ladder:event:${name}`, title: name, ...json };
      return [`${name}.schema.json`, `${JSON.stringify(doc, null, 2)}\n`];
    }),
  );
}

if (process.argv[1]?.endsWith('generate.ts')) {
  for (const [file, text] of Object.entries(eventJsonSchemas())) writeFileSync(new URL(file, import.meta.url), text);
  console.log(`wrote ${Object.keys(EVENT_SCHEMAS).length} schemas to schemas/`);
}
