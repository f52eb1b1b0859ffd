import { buildWeb } from '../web/build.js';

/** `npm run build:web`: the pages into dist/web (gitignored), as `ladder serve` and the CDK app build them. */
const out = buildWeb(process.argv[2]);
console.log(`pages built into ${out}`);
