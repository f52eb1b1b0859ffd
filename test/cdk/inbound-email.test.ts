import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { Ladder } from '../../lib/ladder.js';
import type { LadderProps } from '../../lib/ladder-props.js';

/** E-mail replies are opt-in: an account has one active SES receipt rule set per region. */
const synth = (props: LadderProps = {}) => {
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'S');
  const ladder = new Ladder(stack, 'Ladder', props);
  return { template: Template.fromStack(stack), ladder, stack };
};

describe('inbound e-mail', () => {
  it('is not received unless asked for: no receipt rule, no rule set', () => {
    const { template, ladder } = synth();
    template.resourceCountIs('AWS::SES::ReceiptRule', 0);
    template.resourceCountIs('AWS::SES::ReceiptRuleSet', 0);
    expect(ladder.inboundEmail).toBeUndefined();
  });

  it('asked for: a rule for the recipients publishing UTF-8 to a topic under the contact key, read by the inbound function', () => {
    const { template, ladder, stack } = synth({ inboundEmail: { recipients: ['replies@example.com'] } });
    template.resourceCountIs('AWS::SES::ReceiptRuleSet', 1);
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: Match.objectLike({
        Recipients: ['replies@example.com'],
        TlsPolicy: 'Require',
        Actions: [{ SNSAction: { Encoding: 'UTF-8', TopicArn: { Ref: Match.anyValue() } } }],
      }),
    });
    const id = (c: { node: { defaultChild?: unknown } }) =>
      stack.getLogicalId(c.node.defaultChild as CfnElement);
    const topic = ladder.inboundEmail ? id(ladder.inboundEmail.topic) : 'none';
    const key = id(ladder.keys.contactKey);
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'Ladder inbound e-mail',
      KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: topic },
    });
  });

  it("joins the account's existing rule set when named, creating none", () => {
    const { template } = synth({ inboundEmail: { recipients: ['example.com'], ruleSetName: 'main' } });
    template.resourceCountIs('AWS::SES::ReceiptRuleSet', 0);
    template.hasResourceProperties('AWS::SES::ReceiptRule', { RuleSetName: 'main' });
  });
});
