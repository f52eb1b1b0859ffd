import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.js';
import { Ladder, type LadderProps, PROJECT_ROOT } from '../../lib/ladder.js';
import type { LadderStack } from '../../lib/ladder-stack.js';

/**
 * The daily audit on AWS (lib/ledger-audit.ts): the schedule starts a state machine that reads the
 * ledger's item count and invokes the audit function once per Scan segment; its role may do exactly
 * that; alarms say when the audit did not complete or a segment came near its timeout.
 */
const context = (
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

type Json = Record<string, unknown>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

function synth(props: LadderProps = {}) {
  const stack = new Stack(new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } }), 'Test');
  const ladder = new Ladder(stack, 'Ladder', props);
  return { stack, ladder, template: Template.fromStack(stack) };
}

const idOf = (stack: Stack, c: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(c.node.defaultChild as CfnElement);

/** The audit state machine's definition as deployed (inline), and its substitutions. */
function deployed(stack: Stack, ladder: Ladder, template: Template) {
  const machine = template.toJSON().Resources[idOf(stack, ladder.audit.stateMachine)] as {
    Properties: { DefinitionString: string; DefinitionSubstitutions: Json };
  };
  const asl = JSON.parse(machine.Properties.DefinitionString) as {
    States: Record<string, Json & { Choices?: Array<{ NumericGreaterThan: number; Next: string }> }>;
  };
  return { asl, substitutions: machine.Properties.DefinitionSubstitutions };
}

/** Every Allow statement of the policies attached to `roleId`, '*' resources left out. */
function scopedGrants(template: Template, roleId: string) {
  const out: Array<{ actions: string[]; resources: unknown[] }> = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const props = policy.Properties as {
      Roles: Array<{ Ref: string }>;
      PolicyDocument: { Statement: Statement[] };
    };
    if (!props.Roles.some((r) => r.Ref === roleId)) continue;
    for (const s of props.PolicyDocument.Statement) {
      const resources = [s.Resource].flat();
      if (s.Effect !== 'Allow' || resources.includes('*')) continue;
      out.push({ actions: [s.Action].flat(), resources });
    }
  }
  return out;
}

describe('the daily audit state machine', () => {
  const { stack, ladder, template } = synth();

  it('reads the ledger table and invokes the audit function, the partition left to the stack', () => {
    const { asl, substitutions } = deployed(stack, ladder, template);
    expect(substitutions).toEqual({
      Partition: { Ref: 'AWS::Partition' },
      LedgerTableName: { Ref: idOf(stack, ladder.tables.ledger) },
      AuditFunctionArn: { 'Fn::GetAtt': [idOf(stack, ladder.audit.auditFunction), 'Arn'] },
    });
    expect(asl.States['Ledger size']?.Resource).toBe(
      'arn:${Partition}:states:::aws-sdk:dynamodb:describeTable',
    );
    // The defaults: 100,000 items a segment (the first Choice: more than 256 x 100,000 → 512 segments),
    // 8 segments at once.
    expect(asl.States.Segments?.Choices?.[0]).toEqual({
      Variable: '$.itemCount',
      NumericGreaterThan: 256 * 100_000,
      Next: '512 segments',
    });
    expect(asl.States['Audit segments']?.MaxConcurrency).toBe(8);
  });

  it('runs as a role that may read the ledger item count and invoke the audit function, nothing else', () => {
    const role = idOf(stack, ladder.audit.stateMachine.role);
    expect(scopedGrants(template, role)).toEqual([
      {
        actions: ['dynamodb:DescribeTable'],
        resources: [{ 'Fn::GetAtt': [idOf(stack, ladder.tables.ledger), 'Arn'] }],
      },
      {
        actions: ['lambda:InvokeFunction'],
        resources: [{ 'Fn::GetAtt': [idOf(stack, ladder.audit.auditFunction), 'Arn'] }],
      },
    ]);
  });

  it('gives each invocation Lambda’s 15 minutes and the run 12 hours', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('one segment of the ledger'),
      Timeout: 900,
    });
    const machine = template.toJSON().Resources[idOf(stack, ladder.audit.stateMachine)] as {
      Properties: { DefinitionString: string };
    };
    expect(JSON.parse(machine.Properties.DefinitionString).TimeoutSeconds).toBe(12 * 3600);
  });

  it('alarms when a run fails, times out or is aborted, and when a segment takes 80 % of its timeout', () => {
    const topic = { Ref: idOf(stack, ladder.monitoring.alarmTopic) };
    const machineArn = { Ref: idOf(stack, ladder.audit.stateMachine) };
    const dimension = [{ Name: 'StateMachineArn', Value: machineArn }];
    const stat = (metricName: string) =>
      Match.objectLike({
        MetricStat: Match.objectLike({
          Metric: { Namespace: 'AWS/States', MetricName: metricName, Dimensions: dimension },
          Period: 86_400,
          Stat: 'Sum',
        }),
      });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)' }),
        stat('ExecutionsFailed'),
        stat('ExecutionsTimedOut'),
        stat('ExecutionsAborted'),
      ]),
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [topic],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Ladder',
      MetricName: 'AuditSegmentSeconds',
      Dimensions: [{ Name: 'service', Value: 'ladder' }],
      Period: 86_400,
      Statistic: 'Maximum',
      Threshold: 720,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [topic],
    });
  });

  it('shows the audit on the dashboard: records verified, the slowest segment, the runs', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const text of ['LedgerRecordsVerified', 'AuditSegmentSeconds', 'Daily audit runs'])
      expect(body).toContain(text);
    expect(body).toContain(idOf(stack, ladder.audit.stateMachine));
  });
});

describe('the audit options', () => {
  it('auditRecordsPerSegment and auditConcurrency shape the definition', () => {
    const { stack, ladder, template } = synth({ auditRecordsPerSegment: 1000, auditConcurrency: 3 });
    const { asl } = deployed(stack, ladder, template);
    expect(asl.States.Segments?.Choices?.at(-1)).toEqual({
      Variable: '$.itemCount',
      NumericGreaterThan: 1000,
      Next: '2 segments',
    });
    expect(asl.States['Audit segments']?.MaxConcurrency).toBe(3);
  });

  it('refuses a concurrency outside 1 to 40 and a segment size below 1, at synth', () => {
    expect(() => synth({ auditConcurrency: 41 })).toThrow(/auditConcurrency/);
    expect(() => synth({ auditRecordsPerSegment: 0 })).toThrow(/auditRecordsPerSegment/);
  });

  it('takes them from the app context as integers (cdk deploy -c auditRecordsPerSegment=100_000)', () => {
    const app = buildApp({
      context: {
        ...context,
        'aws:cdk:bundling-stacks': [],
        auditRecordsPerSegment: '100_000',
        auditConcurrency: 2,
      },
    });
    const stack = app.node.findChild('Ladder') as LadderStack;
    const { asl } = deployed(stack, stack.ladder, Template.fromStack(stack));
    expect(asl.States.Segments?.Choices?.at(-1)?.NumericGreaterThan).toBe(100_000);
    expect(asl.States['Audit segments']?.MaxConcurrency).toBe(2);
    expect(() => buildApp({ context: { auditConcurrency: 'eight' } })).toThrow(
      /auditConcurrency: an integer/,
    );
  });
});
