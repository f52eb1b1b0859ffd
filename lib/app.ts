import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LadderStack } from './ladder-stack.js';

/**
 * The standalone app: the stack 'Ladder', checked by cdk-nag's AwsSolutions pack. Findings fail the synth
 * (cdk-nag 3 is a policy-validation plugin: `cdk synth` exits 1, an in-memory `app.synth()` throws).
 * Optional context: `alarmEmail`, `senderEmail`, `sesConfigurationSet`, `policyFile`.
 */
export function buildApp(props: AppProps = {}): App {
  const app = new App(props);
  const context = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  new LadderStack(app, 'Ladder', {
    ladder: {
      alarmEmail: context('alarmEmail'),
      senderEmail: context('senderEmail'),
      sesConfigurationSet: context('sesConfigurationSet'),
    },
  });
  // Acknowledgements are also written to the template metadata (cdk_nag.rules_to_suppress): an audit trail.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  return app;
}
