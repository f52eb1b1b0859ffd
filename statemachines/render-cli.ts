import { writeFileSync } from 'node:fs';
import { bundledPolicies } from '../functions/domain/policies.js';
import { renderLadderJson } from './render.js';

/** `npm run render`: writes statemachines/ladder.asl.json from the default policy. */
const policy = bundledPolicies().get('default');
writeFileSync(new URL('./ladder.asl.json', import.meta.url), renderLadderJson(policy));
console.log('wrote statemachines/ladder.asl.json');
