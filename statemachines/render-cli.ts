import { writeFileSync } from 'node:fs';
import { bundledPolicies } from '../functions/domain/policies.js';
import { definitionFile, renderLadderJson } from './render.js';

/** `npm run render`: writes statemachines/<policy>.asl.json for every bundled policy. */
for (const policy of bundledPolicies().all()) {
  writeFileSync(new URL(`../${definitionFile(policy.id)}`, import.meta.url), renderLadderJson(policy));
  console.log(`wrote ${definitionFile(policy.id)}`);
}
