import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { UsageError } from './usage.js';

/**
 * `ladder agent --aws`: requests to the deployed work-queue API (API Gateway, IAM authorisation)
 * signed with Signature Version 4 for the service `execute-api`, with credentials from the standard
 * chain (environment, SSO and shared config/credentials files, web identity, container and instance
 * metadata: @aws-sdk/credential-provider-node). The region is the API URL's
 * (`https://<id>.execute-api.<region>.amazonaws.com[.cn]/prod/`), else AWS_REGION or
 * AWS_DEFAULT_REGION.
 */
export const SERVICE = 'execute-api';

const API_HOST = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

export function apiRegion(api: URL, env: NodeJS.ProcessEnv = process.env): string {
  const region = API_HOST.exec(api.hostname)?.[1] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region)
    throw new UsageError(
      `agent: cannot tell the region of ${api.origin}: give the API's execute-api URL or set AWS_REGION`,
    );
  return region;
}

export interface ToSign {
  readonly url: URL;
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface SigningOptions {
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** The request's time (tests fix it); default now. */
  readonly date?: Date;
  /** The signing name; default execute-api. */
  readonly service?: string;
}

/**
 * The headers to send: the given ones plus `authorization`, `x-amz-date` and, with temporary
 * credentials, `x-amz-security-token`. `host` is signed (with the port when not the default) but not
 * returned: fetch sets it from the URL, to the same value.
 */
export async function signedHeaders(
  request: ToSign,
  options: SigningOptions,
): Promise<Record<string, string>> {
  const { url } = request;
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  const signer = new SignatureV4({
    service: options.service ?? SERVICE,
    region: options.region,
    credentials: options.credentials,
    sha256: Hash.bind(null, 'sha256'),
    // API Gateway needs no x-amz-content-sha256 header (only S3 and Glacier do).
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      headers: { ...request.headers, host: url.host },
      ...(request.body === undefined ? {} : { body: request.body }),
    },
    options.date ? { signingDate: options.date } : {},
  );
  const { host: _host, ...headers } = signed.headers as Record<string, string>;
  return headers;
}

/** The standard credential chain, resolved once; a chain that finds nothing is one line. */
export async function defaultCredentials(): Promise<AwsCredentialIdentity> {
  try {
    return await defaultProvider()();
  } catch (error) {
    throw new UsageError(
      `agent --aws: no AWS credentials (${(error as Error).message.split('\n')[0]}): set AWS_PROFILE, run \`aws sso login\`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
    );
  }
}
