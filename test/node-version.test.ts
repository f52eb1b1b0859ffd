import { describe, expect, it } from 'vitest';

// The functions run on Lambda's nodejs24.x; the `node` devDependency puts Node 24 first on the PATH of
// every npm script, so the tests run on the same major whatever Node the machine has.
describe('the test run', () => {
  it('runs on Node 24, the Lambda runtime of the functions', () => {
    expect(process.version).toMatch(/^v24\./);
  });
});
