import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Aws,
  CfnOutput,
  aws_iam as iam,
  type aws_lambda as lambda,
  type aws_lambda_nodejs as nodejs,
  Stack,
  aws_stepfunctions as sfn,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { bundledPolicies } from '../functions/domain/policies.js';
import type { LoadedPolicy } from '../functions/domain/policy.js';
import { definitionFile, renderLadderJson } from '../statemachines/render.js';
import { LAMBDA_ENTRIES } from './bundling.js';
import type { EventRouting } from './event-routing.js';
import type { Evidence } from './evidence.js';
import { type LadderFunctions, PROJECT_ROOT } from './ladder-functions.js';
import type { LedgerWriter } from './ledger-writer.js';
import type { Tables } from './tables.js';

export interface WorkflowProps {
  readonly tables: Tables;
  readonly routing: EventRouting;
  readonly evidence: Evidence;
  readonly functions: LadderFunctions;
  readonly ledgerWriter: LedgerWriter;
  /** The From address of e-mail notices. @default 'collections@example.com' */
  readonly senderEmail?: string;
  readonly sesConfigurationSet?: string;
  /** LadderProps.sesSandbox. */
  readonly sesSandbox?: boolean;
}

/** early-call -> EarlyCall: construct ids for a policy's resources; the default keeps the plain ids. */
export const policySuffix = (policyId: string): string =>
  policyId === 'default'
    ? ''
    : policyId.replace(/(^|-)([a-z0-9])/g, (_m, _dash, c: string) => c.toUpperCase());

/**
 * The escalation ladder itself: one Standard state machine per bundled policy, the stage function each
 * stage runs (contact decision, send, ledger entry) and the human-task function that parks task tokens.
 */
export class Workflow extends Construct {
  public readonly stageFunction: nodejs.NodejsFunction;
  public readonly humanTaskFunction: nodejs.NodejsFunction;
  /** The default policy's ladder. */
  public readonly stateMachine: sfn.StateMachine;
  /** One ladder per bundled policy (policies/*.json, listed in functions/domain/policies.ts), by policy id. */
  public readonly stateMachines: Readonly<Record<string, sfn.StateMachine>>;

  private readonly messagingProps: Pick<WorkflowProps, 'senderEmail' | 'sesConfigurationSet' | 'sesSandbox'>;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    this.messagingProps = props;
    const policies = bundledPolicies().all();
    checkRendered(policies);
    this.stageFunction = this.makeStageFunction(props);
    this.humanTaskFunction = props.functions.create(this, 'HumanTask', LAMBDA_ENTRIES.HumanTask, {
      description: 'Ladder: opens a human task (agent call, field visit) and parks the task token',
    });
    props.tables.bind(this.humanTaskFunction, 'cases', ['dynamodb:Query', 'dynamodb:PutItem']);
    // UpdateItem: a retried opening finds its task open and points it at the new token (retoken); a
    // loan's call or visit covered by another loan's task of the day waits on it (GetItem reads it,
    // UpdateItem adds the waiting token: functions/human-task/cover.ts).
    props.tables.bind(this.humanTaskFunction, 'tasks', [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:GetItem',
    ]);

    const machines: Record<string, sfn.StateMachine> = {};
    for (const policy of policies) machines[policy.id] = this.makeStateMachine(policy, props);
    this.stateMachines = machines;
    this.stateMachine = machines.default as sfn.StateMachine;
    // The human task function sends the task token back. Its grant is a separate policy, not the role's
    // default policy: the function depends on its default policy, and the state machine already depends
    // on the function (its ARN is in the definition), so the default policy would make a cycle.
    new iam.Policy(this, 'HumanTaskTaskResponse', {
      roles: [this.humanTaskFunction.role as iam.IRole],
      statements: [
        new iam.PolicyStatement({
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
          resources: Object.values(machines).map((m) => m.stateMachineArn),
        }),
      ],
    });
    // A ladder that would outlast an execution's year continues in a fresh execution of its own state
    // machine, which the stage function starts (functions/domain/continuation.ts): StartExecution on
    // the ladders only. A separate policy for the same reason as the one above.
    new iam.Policy(this, 'StageContinuation', {
      roles: [this.stageFunction.role as iam.IRole],
      statements: [
        new iam.PolicyStatement({
          actions: ['states:StartExecution'],
          resources: Object.values(machines).map((m) => m.stateMachineArn),
        }),
      ],
    });
  }

  /**
   * Sets STATE_MACHINE_ARNS (policy id -> state machine ARN: the intake starts each loan on its champion
   * or challenger ladder) and lets the function start executions of every ladder.
   */
  public bindStarter(fn: lambda.Function): void {
    fn.addEnvironment(
      'STATE_MACHINE_ARNS',
      Stack.of(this).toJsonString(
        Object.fromEntries(Object.entries(this.stateMachines).map(([id, m]) => [id, m.stateMachineArn])),
      ),
    );
    for (const machine of Object.values(this.stateMachines)) machine.grantStartExecution(fn);
  }

  /** Lets the function answer (or heartbeat) the task tokens of every ladder. */
  public grantTaskResponse(fn: iam.IGrantable, ...actions: string[]): void {
    for (const machine of Object.values(this.stateMachines)) machine.grant(fn, ...actions);
  }

  private makeStageFunction(props: WorkflowProps): nodejs.NodejsFunction {
    const stage = props.functions.create(this, 'Stage', LAMBDA_ENTRIES.Stage, {
      description: 'Ladder: runs one stage of the ladder (contact decision, send, ledger entry)',
    });
    // Cases are written whole, conditional on the revision read (optimistic concurrency): PutItem.
    props.tables.bind(stage, 'cases', ['dynamodb:Query', 'dynamodb:PutItem']);
    props.tables.bind(stage, 'contacts', ['dynamodb:GetItem']);
    // Agents' notes and visit reports, decrypted into the legal evidence pack at handoff.
    props.tables.bind(stage, 'conversations', ['dynamodb:GetItem']);
    // Reads only: every record goes through the ledger writer, which chains and seals it.
    props.tables.bind(stage, 'ledger', ['dynamodb:Query']);
    props.ledgerWriter.bindCaller(stage);
    props.routing.bindPublisher(stage);
    props.evidence.bindWriter(stage);
    this.bindMessaging(stage, props);
    return stage;
  }

  /**
   * Lets the function send SMS (to phone numbers, never to a topic) and e-mail as the sender address,
   * and sets SENDER_EMAIL (and SES_CONFIGURATION_SET): the stage, and the borrower API's one-time codes.
   */
  public bindMessaging(fn: lambda.Function, props = this.messagingProps): void {
    const senderEmail = props.senderEmail ?? 'collections@example.com';
    const senderDomain = senderEmail.split('@')[1];
    if (!senderDomain || senderEmail.split('@').length !== 2) {
      throw new Error(`Ladder: senderEmail "${senderEmail}" is not an e-mail address`);
    }
    const stack = Stack.of(this);
    fn.addEnvironment('SENDER_EMAIL', senderEmail);
    if (props.sesConfigurationSet) fn.addEnvironment('SES_CONFIGURATION_SET', props.sesConfigurationSet);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'SendSms',
        actions: ['sns:Publish'],
        // SMS to a phone number has no resource ARN: '*' is the only resource SNS accepts for it.
        resources: ['*'],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'NoTopicPublish',
        effect: iam.Effect.DENY,
        actions: ['sns:Publish'],
        // ...but no topic or platform application: the '*' above is for phone numbers only.
        resources: ['arn:*:sns:*:*:*'],
      }),
    );
    // SES authorises a send against the identity it sends as: the address when that is verified
    // itself, else its domain. Both are granted, so verifying the address later breaks nothing.
    const identity = (name: string) =>
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'SendEmail',
        actions: ['ses:SendEmail'],
        resources: [
          identity(senderDomain),
          identity(senderEmail),
          ...(props.sesSandbox ? [identity('*')] : []),
          ...(props.sesConfigurationSet
            ? [
                stack.formatArn({
                  service: 'ses',
                  resource: 'configuration-set',
                  resourceName: props.sesConfigurationSet,
                }),
              ]
            : []),
        ],
      }),
    );
    if (props.sesSandbox) {
      Validations.of(fn.role as iam.IRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]`,
        reason:
          "In the SES sandbox every recipient must be a verified identity of the account and SES checks the sender's " +
          'permission on it; the prop is off once the account has production access (README, Deploy).',
      });
    }
  }

  private makeStateMachine(policy: LoadedPolicy, props: WorkflowProps): sfn.StateMachine {
    // The default keeps the plain ids, so adding a policy never replaces the default's resources.
    const suffix = policySuffix(policy.id);
    const file = path.join(PROJECT_ROOT, definitionFile(policy.id));
    const machine = new sfn.StateMachine(this, `StateMachine${suffix}`, {
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: `Ladder "${policy.id}": the escalation ladder of one delinquent loan`,
      definitionBody: sfn.DefinitionBody.fromFile(file),
      definitionSubstitutions: {
        // The integration ARNs' partition: the committed definitions deploy to aws and aws-cn alike.
        Partition: Aws.PARTITION,
        StageFunctionArn: this.stageFunction.functionArn,
        HumanTaskFunctionArn: this.humanTaskFunction.functionArn,
        EventBusName: props.routing.bus.eventBusName,
      },
      // ALL events for the audit trail of transitions; execution data stays out of the logs: the states
      // carry no contact details, but input/output on every event multiplies the bytes ingested.
      logs: {
        destination: props.functions.logGroup(this, `StateMachineLogs${suffix}`),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
      tracingEnabled: true,
    });
    // Unqualified ARNs only: the ASL invokes $LATEST, so no `:*` version wildcard is needed.
    machine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'InvokeLadderFunctions',
        actions: ['lambda:InvokeFunction'],
        resources: [this.stageFunction.functionArn, this.humanTaskFunction.functionArn],
      }),
    );
    Validations.of(machine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions log delivery (logs:CreateLogDelivery, PutResourcePolicy, ...) and X-Ray ' +
        '(xray:PutTraceSegments, GetSamplingRules, ...) do not support resource-level permissions.',
    });
    new CfnOutput(this, `StateMachineArn${suffix}`, { value: machine.stateMachineArn });
    return machine;
  }
}

/**
 * The functions bundle the policies (functions/domain/policies.ts) and validate them at load; here
 * each policy's committed ASL must be the one rendered from it: a ladder whose states disagree with
 * the policy the functions apply would be a silent, costly bug.
 */
function checkRendered(policies: readonly LoadedPolicy[]): void {
  for (const policy of policies) {
    const file = definitionFile(policy.id);
    if (readFileSync(path.join(PROJECT_ROOT, file), 'utf8') !== renderLadderJson(policy)) {
      throw new Error(`Ladder: ${file} was not rendered from policy "${policy.id}": run \`npm run render\`.`);
    }
  }
}
