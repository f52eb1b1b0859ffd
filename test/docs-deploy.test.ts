import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { Ladder, PROJECT_ROOT } from '../lib/ladder.js';
import { DEFAULT_AUDIT_CONCURRENCY, DEFAULT_RECORDS_PER_SEGMENT } from '../lib/ledger-audit.js';

/**
 * docs/deploy.md says what the stack takes and makes: its context keys, props, outputs and the IAM
 * policies it tells publishers and agents to use. Each is read here from the doc and from lib/ (or the
 * synthesized template), so a key renamed in one place and not the other fails.
 */
const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
const DOC = read('docs/deploy.md');

/** The first column of the markdown table under `heading`, backticks removed. */
function firstColumn(heading: string): string[] {
  const start = DOC.indexOf(heading);
  if (start < 0) throw new Error(`docs/deploy.md has no "${heading}"`);
  const rows = DOC.slice(start).split('\n').slice(1);
  const table = rows.slice(rows.findIndex((l) => l.startsWith('|')));
  return table
    .slice(
      2,
      table.findIndex((l) => !l.startsWith('|')),
    )
    .map((l) => (l.split('|')[1] ?? '').trim().replaceAll('`', ''));
}

/** The JSON blocks of a markdown file, parsed. */
const jsonBlocks = (text: string): unknown[] =>
  [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] ?? ''));

type Statement = { Action: string; Resource: string | string[]; Condition?: unknown };
const statementsOf = (block: unknown): Statement[] =>
  (block as { Statement?: Statement[] }).Statement ?? [block as Statement];

describe('docs/deploy.md', () => {
  it('names exactly the context keys lib/app.ts reads', () => {
    const keys = [...read('lib/app.ts').matchAll(/\b(?:context|flag|integer)\('(\w+)'\)/g)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(5);
    expect(firstColumn('### Context keys').sort()).toEqual([...new Set(keys)].sort());
  });

  it('names exactly the props of LadderProps, with the audit defaults the code has', () => {
    const props = [...read('lib/ladder-props.ts').matchAll(/^\s+readonly (\w+)\?:/gm)].map((m) => m[1]);
    expect(firstColumn('### Props').sort()).toEqual([...props].sort());
    const rows = DOC.slice(DOC.indexOf('### Props')).split('\n');
    const row = (prop: string) => rows.find((l) => l.startsWith(`| \`${prop}\` |`)) ?? '';
    expect(row('auditRecordsPerSegment')).toContain(
      `| ${DEFAULT_RECORDS_PER_SEGMENT.toLocaleString('en-US')} |`,
    );
    expect(row('auditConcurrency')).toContain(`| ${DEFAULT_AUDIT_CONCURRENCY} |`);
  });

  it('names every output the stack declares, and no other', () => {
    const declared = new Set<string>();
    for (const file of readdirSync(path.join(PROJECT_ROOT, 'lib'))) {
      for (const m of read(`lib/${file}`).matchAll(/new CfnOutput\(this, [`'](\w+)/g))
        declared.add(m[1] ?? '');
    }
    const section = DOC.slice(DOC.indexOf('### Outputs'), DOC.indexOf('## 3.'));
    const named = new Set(
      [...section.matchAll(/`(\w+)`/g)].map((m) => m[1] ?? '').filter((n) => n !== 'prod'),
    );
    expect([...named].sort()).toEqual([...declared].sort());
  });

  it("gives publishers the same events:source condition as docs/compliance.md's bus policy", () => {
    const [publisher] = statementsOf(jsonBlocks(DOC)[0]);
    const busPolicy = statementsOf(jsonBlocks(read('docs/compliance.md'))[0])[0];
    expect(publisher?.Action).toBe('events:PutEvents');
    expect(publisher?.Condition).toEqual(busPolicy?.Condition);
    const reference = statementsOf(jsonBlocks(read('docs/reference.md')).at(-1))[0];
    expect(reference?.Action).toBe('events:PutEvents');
    expect(reference?.Condition).toEqual(busPolicy?.Condition);
    expect(publisher?.Condition).toEqual({
      'ForAllValues:StringEquals': { 'events:source': ['lender.loans'] },
      Null: { 'events:source': 'false' },
    });
  });

  it("gives agents execute-api:Invoke on methods the API has, on its stage, and the specialists' apart", () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Docs');
    const ladder = new Ladder(stack, 'Ladder');
    // The work-queue API's methods and stage (the borrower page's API is another, without IAM).
    const api = { Ref: stack.getLogicalId(ladder.workQueue.api.node.defaultChild as CfnElement) };
    const ofApi = (r: { Properties: Record<string, unknown> }) =>
      JSON.stringify(r.Properties.RestApiId) === JSON.stringify(api);
    const resources = Template.fromStack(stack).toJSON().Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    const pathOf = (id: unknown): string => {
      const ref = (id as { Ref?: string }).Ref;
      const r = ref ? resources[ref] : undefined;
      if (r?.Type !== 'AWS::ApiGateway::Resource') return '';
      return `${pathOf(r.Properties.ParentId)}/${r.Properties.PathPart}`;
    };
    // The IAM-authorised methods: the agent desk's (/api/desk, Cognito-authorised) are not for IAM roles.
    const methods = Object.values(resources)
      .filter(
        (r) =>
          r.Type === 'AWS::ApiGateway::Method' && ofApi(r) && r.Properties.AuthorizationType === 'AWS_IAM',
      )
      .map((r) => `${r.Properties.HttpMethod}${pathOf(r.Properties.ResourceId)}`);
    const stages = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGateway::Stage' && ofApi(r));
    expect(stages.map((s) => s.Properties.StageName)).toEqual(['prod']);
    const [agent] = statementsOf(jsonBlocks(DOC)[1]);
    expect(agent?.Action).toBe('execute-api:Invoke');
    const patterns = [agent?.Resource ?? []].flat().map((arn) => {
      const [, rest] = arn.split('/prod/');
      return new RegExp(`^${(rest ?? '').replace('/', '').replaceAll('*', '[^/]+')}$`);
    });
    const granted = (m: string) => patterns.some((p) => p.test(m.replace('/', '')));
    // Every agent method is granted, no specialist one is.
    expect(methods.filter((m) => !m.includes('/specialist/')).every(granted)).toBe(true);
    expect(methods.filter((m) => m.includes('/specialist/')).some(granted)).toBe(false);
    expect(methods.filter((m) => m.includes('/specialist/'))).toHaveLength(3);
  });
});
