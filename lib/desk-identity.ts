import { Aws, CfnOutput, aws_cognito as cognito, Duration, Names, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { TASK_QUEUES } from '../functions/adapters/task-store.js';

export interface DeskIdentityProps {
  /** The pages' origin (`https://dxxxx.cloudfront.net`): the desk at `/desk/` is the OAuth callback. */
  readonly pagesUrl: string;
  /** LadderProps.deskDomainPrefix: the Cognito sign-in domain's prefix. @default ladder-desk-<account>-<hash> */
  readonly domainPrefix?: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Who may use the agent desk (docs/pages.md, "Identity"): a Cognito user pool the lender's
 * administrators add agents to (no self sign-up), one group per work queue (a group's name is the
 * queue's, so the desk API reads the queues from the token's `cognito:groups`), TOTP MFA required,
 * threat protection enforced (the Plus plan), and a public app client for the desk page: the
 * authorization-code grant with PKCE (no client secret in a browser), the CloudFront `/desk/` as its
 * only callback.
 */
export class DeskIdentity extends Construct {
  public readonly userPool: cognito.UserPool;
  public readonly client: cognito.UserPoolClient;
  public readonly domain: cognito.UserPoolDomain;
  /** The desk page (`<pages>/desk/`): the client's only callback and sign-out URL. */
  public readonly callbackUrl: string;

  constructor(scope: Construct, id: string, props: DeskIdentityProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Agents', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      // Agents see borrowers' contact details: a second factor, and no SMS (SIM swap, and an SNS role).
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy,
    });
    for (const queue of TASK_QUEUES) {
      new cognito.CfnUserPoolGroup(this, `Group-${queue}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: queue,
        description: `Ladder desk: works the ${queue} queue`,
      });
    }
    const callback = `${props.pagesUrl}/desk/`;
    this.callbackUrl = callback;
    this.client = this.userPool.addClient('Desk', {
      generateSecret: false,
      authFlows: {
        user: false,
        userPassword: false,
        userSrp: false,
        adminUserPassword: false,
        custom: false,
      },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [callback],
        logoutUrls: [callback],
      },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(8),
      enableTokenRevocation: true,
    });
    // Unique per account and stack path unless named: Cognito prefixes are global within a region.
    const prefix =
      props.domainPrefix ?? `ladder-desk-${Aws.ACCOUNT_ID}-${Names.uniqueId(this).slice(-8).toLowerCase()}`;
    this.domain = this.userPool.addDomain('SignIn', {
      cognitoDomain: { domainPrefix: prefix },
    });
    new CfnOutput(this, 'DeskUserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'DeskClientId', { value: this.client.userPoolClientId });
    new CfnOutput(this, 'DeskSignInUrl', { value: this.domain.baseUrl() });
  }
}
