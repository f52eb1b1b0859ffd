import { mkdirSync, writeFileSync } from 'node:fs';
import * as z from 'zod';
import { EVENT_SCHEMAS } from '../functions/domain/events.js';
import { OUTBOUND_SCHEMAS, OUTBOUND_TYPES, outboundVersion } from '../functions/domain/outbound.js';
import { PolicySchema } from '../functions/domain/policy.js';
import { ScenarioFileSchema } from '../local/scenario.js';

/**
 * The JSON Schemas of Ladder's formats, generated from the same zod schemas the code validates with.
 * `npm run schemas` rewrites them; a test fails on drift. Checks JSON Schema cannot express (a real
 * ISO 4217 code, a known IANA zone, a policy's stages in day order) are in the descriptions, or made
 * by the code only.
 *
 * - `schemas/<Type>.schema.json`: what upstream systems publish to Ladder (the handlers validate).
 * - `schemas/outbound/<Type>.v<N>.schema.json`: what Ladder publishes (source `ladder`), version N;
 *   the publishers validate every detail before it leaves (functions/domain/outbound.ts).
 * - `schemas/policy.schema.json`, `schemas/scenario.schema.json`: a policy (policies/*.json) and a
 *   scenario (`ladder simulate --scenario`).
 */
const document = (id: string, title: string, schema: z.ZodType, description?: string): string => {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  const doc = { $id: `urn:ladder:${id}`, title, ...(description ? { description } : {}), ...json };
  return `${JSON.stringify(doc, null, 2)}\n`;
};

export function eventJsonSchemas(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(EVENT_SCHEMAS).map(([name, schema]) => [
      `${name}.schema.json`,
      document(`event:${name}`, name, schema()),
    ]),
  );
}

/** The outbound events' schemas by file name under schemas/ (`outbound/LetterRequested.v1.schema.json`). */
export function outboundJsonSchemas(): Record<string, string> {
  return Object.fromEntries(
    OUTBOUND_TYPES.map((name) => {
      const v = outboundVersion(name);
      return [`outbound/${name}.v${v}.schema.json`, document(`event:${name}:v${v}`, name, OUTBOUND_SCHEMAS[name]())];
    }),
  );
}

export function formatJsonSchemas(): Record<string, string> {
  return {
    'policy.schema.json': document(
      'policy',
      'Ladder policy',
      PolicySchema(),
      'A ladder policy (policies/*.json). The code checks more than this schema: stage ids match offsetDays, stages are in day order, templates exist and cover the channels, a field visit and credit reporting have their notice stage.',
    ),
    'scenario.schema.json': document(
      'scenario',
      'Ladder scenario',
      ScenarioFileSchema,
      'A scenario for `ladder simulate --scenario FILE`: loans (as LoanDelinquent), what their borrowers do, and optionally a policy of its own.',
    ),
  };
}

export const allJsonSchemas = (): Record<string, string> => ({
  ...eventJsonSchemas(),
  ...outboundJsonSchemas(),
  ...formatJsonSchemas(),
});

if (process.argv[1]?.endsWith('generate.ts')) {
  mkdirSync(new URL('outbound/', import.meta.url), { recursive: true });
  const schemas = allJsonSchemas();
  for (const [file, text] of Object.entries(schemas)) writeFileSync(new URL(file, import.meta.url), text);
  console.log(`wrote ${Object.keys(schemas).length} schemas to schemas/`);
}
