import {
  Aws,
  type aws_apigateway as apigateway,
  CfnOutput,
  aws_cloudfront as cloudfront,
  DockerImage,
  Duration,
  aws_iam as iam,
  aws_cloudfront_origins as origins,
  RemovalPolicy,
  Stack,
  aws_s3 as s3,
  aws_s3_deployment as s3deploy,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { buildWeb, WEB_ROOT } from '../web/build.js';
import { SECURITY_HEADERS } from '../web/headers.js';
import { BORROWER_API_STAGE } from './borrower-api.js';
import type { LadderFunctions } from './ladder-functions.js';

export interface PagesHostingProps {
  /** The deployment handler's log group is a Ladder one (encrypted, retained like the others). */
  readonly functions: LadderFunctions;
  /** The pages' API, served by the same distribution under /api/* (same origin: CSP connect-src 'self'). */
  readonly api?: apigateway.RestApi;
  /** The work-queue API, whose Cognito-authorised `/api/desk/*` routes the agent desk calls (stage prod). */
  readonly deskApi?: apigateway.RestApi;
}

/**
 * The pages (web/) on AWS: a private S3 bucket read only by CloudFront through origin access control,
 * the strict Content-Security-Policy and the other security headers from web/headers.ts as a
 * response-headers policy, and the built pages deployed into the bucket at deploy time.
 */
export class PagesHosting extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;
  /** The pages' origin, https://<distribution domain>: the borrower's page is at `${url}/b/`. */
  public readonly url: string;
  private readonly headersPolicy: cloudfront.IResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: PagesHostingProps) {
    super(scope, id);
    // SSE-S3, not the case key: the pages are the same public code for every borrower and hold no data,
    // and CloudFront's origin access control reads SSE-S3 objects without a key-policy grant.
    this.bucket = new s3.Bucket(this, 'PagesBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Ladder pages: strict CSP (no inline script, no third party) and security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: SECURITY_HEADERS['content-security-policy'] ?? '',
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
      },
    });
    // A path ending in / is its index.html, as `ladder serve` does (local/pages.ts).
    const index = new cloudfront.Function(this, 'IndexRewrite', {
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Ladder pages: /b/ is /b/index.html',
      code: cloudfront.FunctionCode.fromInline(
        "function handler(event) { var r = event.request; if (r.uri.endsWith('/')) r.uri += 'index.html'; return r; }",
      ),
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: "Ladder: the borrower's page and the agent desk",
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: index, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      // The agent desk's routes first: CloudFront matches behaviours in order, and /api/* is wider.
      additionalBehaviors: {
        ...(props.deskApi ? { '/api/desk/*': apiBehavior(props.deskApi, 'prod', headers) } : {}),
        ...(props.api ? { '/api/*': apiBehavior(props.api, BORROWER_API_STAGE, headers) } : {}),
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
    this.headersPolicy = headers;
    // Its own role, writing to its own Ladder log group only (no AWS managed policy), as every function's.
    const logGroup = props.functions.logGroup(this, 'DeployPagesLogs');
    const role = new iam.Role(this, 'DeployPagesRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Ladder pages deployment (CDK BucketDeployment handler)',
    });
    logGroup.grantWrite(role);
    new s3deploy.BucketDeployment(this, 'DeployPages', {
      role,
      logGroup,
      destinationBucket: this.bucket,
      distribution: this.distribution,
      sources: [
        s3deploy.Source.asset(WEB_ROOT, {
          // Built here with esbuild (web/build.ts), never in Docker; the image is only CDK's fallback.
          bundling: {
            image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24-slim'),
            local: {
              tryBundle: (outputDir: string) => {
                buildWeb(outputDir);
                return true;
              },
            },
          },
        }),
      ],
      memoryLimit: 256,
    });
    this.acknowledge(role);
    new CfnOutput(this, 'PagesUrl', {
      value: this.url,
      description: "The pages' origin (borrower page: /b/)",
    });
  }

  private acknowledge(role: iam.Role): void {
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the built pages, the same public code for everyone, read only by ' +
        "CloudFront; deployments are in CloudFormation's history and object access in CloudTrail.",
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'Borrowers reach their page from wherever they are (travel, abroad); a lender that must ' +
          'restrict countries adds a geo restriction to the distribution.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          "Attach the organisation's WAF web ACL (a CLOUDFRONT-scope ACL lives in us-east-1); every " +
          'API call is authorised by its signed link and validated by the function.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          "Every borrower action is recorded by the API (its access logs and the case's ledger); page " +
          'loads fetch the same static files for everyone, and the token is in the fragment, never logged.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          "The default *.cloudfront.net certificate cannot pin TLSv1.2: a lender's own domain and ACM " +
          'certificate on the distribution do, with minimumProtocolVersion TLSv1.2_2021.',
      },
    );
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    const copies =
      "CDK's BucketDeployment handler copies the pages' asset into the pages bucket, deletes what the " +
      'new build no longer has, and invalidates the distribution: the wildcards are its own grants.';
    Validations.of(role).acknowledge(
      ...[
        'Action::s3:GetBucket*',
        'Action::s3:GetObject*',
        'Action::s3:List*',
        'Action::s3:Abort*',
        'Action::s3:DeleteObject*',
        'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
        `Resource::<${bucketId}.Arn>/*`,
        'Resource::*',
      ].map((finding) => ({ id: `AwsSolutions-IAM5[${finding}]`, reason: copies })),
    );
    for (const handler of Stack.of(this).node.children.filter((c) =>
      c.node.id.startsWith('Custom::CDKBucketDeployment'),
    )) {
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-L1',
        reason: "CDK's BucketDeployment handler: its runtime is chosen and updated by aws-cdk-lib.",
      });
    }
  }

  /**
   * The agent desk's OAuth token endpoint on the pages' own origin: `/oauth2/*` goes to the Cognito
   * sign-in domain, so the page exchanges its code with `connect-src 'self'` (docs/pages.md).
   */
  public addSignInProxy(cognitoDomainName: string): void {
    this.distribution.addBehavior(
      '/oauth2/*',
      httpsOrigin(cognitoDomainName),
      passThrough(this.headersPolicy),
    );
  }
}

/**
 * A REST API's stage as a behaviour of the pages' origin: never cached, every viewer header but Host
 * passed on, the same security headers. By the API's id and its stage's name, not `api.url` (a
 * reference to the stage, hence to the functions behind it): the stage function's links name this
 * distribution.
 */
function apiBehavior(
  api: apigateway.RestApi,
  stage: string,
  headers: cloudfront.IResponseHeadersPolicy,
): cloudfront.BehaviorOptions {
  return {
    origin: httpsOrigin(`${api.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`, `/${stage}`),
    ...passThrough(headers),
  };
}

const httpsOrigin = (domainName: string, originPath?: string) =>
  new origins.HttpOrigin(domainName, {
    ...(originPath ? { originPath } : {}),
    protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
    originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
  });

function passThrough(headers: cloudfront.IResponseHeadersPolicy): Omit<cloudfront.BehaviorOptions, 'origin'> {
  return {
    viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
    allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
    cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
    originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    responseHeadersPolicy: headers,
  };
}
