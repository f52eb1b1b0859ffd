// Loaded with `node --import` by test/cli/usage-cli.test.ts: prints every module resolved from
// node_modules on stderr, so the test can see what `ladder --help` loads.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, next) {
    const resolved = next(specifier, context);
    if (resolved.url.includes('/node_modules/')) process.stderr.write(`IMPORT ${resolved.url}\n`);
    return resolved;
  },
});
