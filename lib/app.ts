import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LadderStack } from './ladder-stack.js';

/**
 * The standalone app: the stack 'Ladder', checked by cdk-nag's AwsSolutions pack. Findings fail the synth
 * (cdk-nag 3 is a policy-validation plugin: `cdk synth` exits 1, an in-memory `app.synth()` throws).
 * Optional context (README, Deploy): `alarmEmail`, `senderEmail`, `sesConfigurationSet`, `sesSandbox`
 * ('true' while the SES account is in the sandbox), `upstreamSources` (comma-separated EventBridge
 * sources of the upstream producers), `apiGatewayCloudWatchRole` ('false' where the account's API
 * Gateway CloudWatch role is managed elsewhere), `outboundBusArn` (an event bus every outbound event
 * is forwarded to; docs/events.md), `auditRecordsPerSegment` and `auditConcurrency` (integers: the
 * daily audit's segment size and parallelism).
 */
export function buildApp(props: AppProps = {}): App {
  const app = new App(props);
  const context = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const flag = (key: string): boolean | undefined => {
    const value = context(key) ?? (app.node.tryGetContext(key) as unknown);
    if (value === undefined || typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new Error(`context ${key}: true or false, not "${String(value)}"`);
  };
  const integer = (key: string): number | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    if (value === undefined || value === '') return undefined;
    const n = typeof value === 'number' ? value : Number(String(value).replaceAll('_', ''));
    if (!Number.isInteger(n)) throw new Error(`context ${key}: an integer, not "${String(value)}"`);
    return n;
  };
  const sources = context('upstreamSources')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  new LadderStack(app, 'Ladder', {
    ladder: {
      alarmEmail: context('alarmEmail'),
      senderEmail: context('senderEmail'),
      sesConfigurationSet: context('sesConfigurationSet'),
      sesSandbox: flag('sesSandbox'),
      apiGatewayCloudWatchRole: flag('apiGatewayCloudWatchRole'),
      outboundBusArn: context('outboundBusArn'),
      auditRecordsPerSegment: integer('auditRecordsPerSegment'),
      auditConcurrency: integer('auditConcurrency'),
      ...(sources ? { eventSources: { default: sources } } : {}),
    },
  });
  // Acknowledgements are also written to the template metadata (cdk_nag.rules_to_suppress): an audit trail.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  return app;
}
