import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Ladder, type LadderProps } from './ladder.js';

export interface LadderStackProps extends StackProps {
  readonly ladder?: LadderProps;
}

/** The deployable unit: one Ladder. */
export class LadderStack extends Stack {
  public readonly ladder: Ladder;

  constructor(scope: Construct, id: string, props: LadderStackProps = {}) {
    const { ladder, ...stackProps } = props;
    super(scope, id, {
      description: 'Ladder: collections orchestration (escalation ladder on Step Functions)',
      ...stackProps,
    });
    this.ladder = new Ladder(this, 'Ladder', ladder);
  }
}
