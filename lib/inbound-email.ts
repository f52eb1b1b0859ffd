import type { aws_lambda as lambda } from 'aws-cdk-lib';
import {
  Aws,
  CfnOutput,
  aws_iam as iam,
  aws_ses as ses,
  aws_ses_actions as sesActions,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { Keys } from './keys.js';

/** Where e-mail replies are received (LadderProps.inboundEmail). */
export interface InboundEmailOptions {
  /** The addresses (or domains) replies go to, e.g. `['replies@collections.example.com']`; their MX must point at SES. */
  readonly recipients: string[];
  /**
   * The receipt rule set the rule joins. An account has one active rule set per region, often owned by
   * another application, so Ladder adds its rule to the named one; without it Ladder creates a rule set
   * of its own, which receives nothing until it is made active (`aws ses set-active-receipt-rule-set`).
   * @default a new rule set, inactive
   */
  readonly ruleSetName?: string;
}

export interface InboundEmailProps extends InboundEmailOptions {
  readonly keys: Keys;
  /** The inbound function (functions/inbound-sms), which parses the message and keeps the borrower's words. */
  readonly inboundFunction: lambda.IFunction;
}

/**
 * E-mail replies: an SES receipt rule whose SNS action publishes each message (UTF-8, up to 150 KB,
 * which a reply is) to a topic under the contact key, which the inbound function reads. SNS rather
 * than an S3 bucket: the raw message holds the borrower's words, and a bucket would be a second store
 * of them to retain, encrypt and erase; the function keeps the words in the conversations table only.
 */
export class InboundEmail extends Construct {
  public readonly topic: sns.Topic;
  public readonly rule: ses.ReceiptRule;

  constructor(scope: Construct, id: string, props: InboundEmailProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Ladder inbound e-mail',
      masterKey: props.keys.contactKey,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesReceipt',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    props.keys.letServiceEncrypt(
      props.keys.contactKey,
      'AllowSesReceiptToEncryptedTopic',
      'ses.amazonaws.com',
    );
    const ruleSet = props.ruleSetName
      ? ses.ReceiptRuleSet.fromReceiptRuleSetName(this, 'RuleSet', props.ruleSetName)
      : new ses.ReceiptRuleSet(this, 'RuleSet');
    this.rule = new ses.ReceiptRule(this, 'Rule', {
      ruleSet,
      recipients: props.recipients,
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      actions: [new sesActions.Sns({ topic: this.topic, encoding: sesActions.EmailEncoding.UTF8 })],
    });
    this.topic.addSubscription(new subscriptions.LambdaSubscription(props.inboundFunction));
    new CfnOutput(this, 'InboundEmailTopicArn', {
      value: this.topic.topicArn,
      description: 'E-mail replies arrive here from the SES receipt rule',
    });
  }
}
