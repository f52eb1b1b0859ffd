import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm run synth` prints this instead of the template: `cdk synth --quiet` writes the cloud assembly
 * to cdk.out/ (the template, the Lambda bundles and the state machine definitions as assets), and
 * this reads it back and says what is in it. The template itself is cdk.out/<stack>.template.json.
 */
const OUT = process.argv[2] ?? 'cdk.out';

interface Manifest {
  artifacts?: Record<string, { type: string; properties?: { templateFile?: string } }>;
}
interface Template {
  Resources?: Record<string, { Type: string }>;
  Outputs?: Record<string, unknown>;
}

const manifest = JSON.parse(readFileSync(join(OUT, 'manifest.json'), 'utf8')) as Manifest;
const stacks = Object.entries(manifest.artifacts ?? {}).filter(
  ([, a]) => a.type === 'aws:cloudformation:stack',
);
for (const [name, artifact] of stacks) {
  const file = join(OUT, artifact.properties?.templateFile ?? `${name}.template.json`);
  const template = JSON.parse(readFileSync(file, 'utf8')) as Template;
  const resources = Object.values(template.Resources ?? {});
  const byType = new Map<string, number>();
  for (const r of resources) byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1);
  const top = [...byType.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  console.log(
    `stack ${name}: ${resources.length} resources, ${Object.keys(template.Outputs ?? {}).length} outputs`,
  );
  console.log(`  template: ${file}`);
  for (const [type, n] of top) console.log(`  ${String(n).padStart(3)}  ${type}`);
  console.log(`  outputs: ${Object.keys(template.Outputs ?? {}).join(', ') || '-'}`);
}
console.log('cdk-nag AwsSolutions checks: passed (a finding fails the synth)');
