import {
  Aws,
  CfnOutput,
  aws_iam as iam,
  type aws_lambda_nodejs as nodejs,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LAMBDA_ENTRIES } from './bundling.js';
import type { Keys } from './keys.js';
import type { LadderFunctions } from './ladder-functions.js';
import type { LedgerWriter } from './ledger-writer.js';
import type { Tables } from './tables.js';

export interface ConsentProps {
  readonly keys: Keys;
  readonly tables: Tables;
  readonly functions: LadderFunctions;
  /** REPLY records go on each loan's conversation chain through the ledger writer. */
  readonly ledgerWriter: LedgerWriter;
}

/**
 * Two-way SMS: replies arrive on a topic; STOP-style keywords are applied as opt-outs, and anything
 * else becomes a conversation item for an agent (functions/inbound-sms).
 */
export class Consent extends Construct {
  /** Two-way SMS arrives here (point the phone number's two-way channel at it): replies such as STOP. */
  public readonly inboundSmsTopic: sns.Topic;
  public readonly inboundSmsFunction: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: ConsentProps) {
    super(scope, id);
    // Inbound messages carry a phone number and the borrower's words: the contact key encrypts them.
    this.inboundSmsTopic = new sns.Topic(this, 'InboundSmsTopic', {
      displayName: 'Ladder inbound SMS',
      masterKey: props.keys.contactKey,
      enforceSSL: true,
    });
    // AWS End User Messaging SMS publishes two-way messages to the topic, for this account only.
    this.inboundSmsTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowTwoWaySms',
        principals: [new iam.ServicePrincipal('sms-voice.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.inboundSmsTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    props.keys.letServiceEncrypt(
      props.keys.contactKey,
      'AllowTwoWaySmsToEncryptedTopic',
      'sms-voice.amazonaws.com',
    );
    this.inboundSmsFunction = props.functions.create(this, 'InboundSms', LAMBDA_ENTRIES.InboundSms, {
      description:
        'Ladder: STOP-style replies as opt-outs; other replies as conversation items for agents (by phone or e-mail)',
      async: true,
    });
    // Keys only, by phone: the byPhone index holds phone and borrowerId, never a name or an address.
    props.tables.bind(this.inboundSmsFunction, 'contacts', ['dynamodb:Query'], { onlyIndex: 'byPhone' });
    props.tables.bind(this.inboundSmsFunction, 'contacts', ['dynamodb:Query'], { onlyIndex: 'byEmail' });
    props.tables.bind(this.inboundSmsFunction, 'cases', ['dynamodb:Query', 'dynamodb:PutItem']);
    // A free-text reply: its text (conversations, under the contact key), its work item, its REPLY record.
    props.tables.bind(this.inboundSmsFunction, 'conversations', ['dynamodb:PutItem']);
    props.tables.bind(this.inboundSmsFunction, 'tasks', ['dynamodb:PutItem']);
    props.tables.bind(this.inboundSmsFunction, 'ledger', ['dynamodb:Query']);
    props.ledgerWriter.bindCaller(this.inboundSmsFunction);
    this.inboundSmsTopic.addSubscription(new subscriptions.LambdaSubscription(this.inboundSmsFunction));
    new CfnOutput(this, 'InboundSmsTopicArn', {
      value: this.inboundSmsTopic.topicArn,
      description: "Set as the two-way SMS destination of the lender's phone numbers",
    });
  }
}
