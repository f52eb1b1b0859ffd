/**
 * What `Ref` and `Fn::GetAtt` return for each kind of resource an IAM document of the Ladder stack can
 * name, computed from the resource's LOCAL name (CloudFormation's documented return values, with the
 * local name where CloudFormation would put the generated physical name).
 */
import { createHash } from 'node:crypto';
import type { PhysicalResource } from './intrinsics.js';

export interface Environment {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly urlSuffix: string;
}

/**
 * A KMS key id in the form KMS gives (a UUID), derived from the logical id: the same key gets the same
 * id in every run, and KeyId arguments given as a bare id resolve to the key ARN.
 */
function localKeyId(logicalId: string): string {
  const hex = createHash('sha256').update(`kms-key:${logicalId}`).digest('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join(
    '-',
  );
}

/**
 * The Ref and attributes of a resource of CloudFormation type `type` whose local name is `name`;
 * undefined for a type this module does not know (a Ref to it then fails to resolve, loudly).
 * An AWS::KMS::Alias's name is its AliasName (`alias/...`).
 */
export function physicalResource(
  type: string,
  name: string,
  env: Environment,
  logicalId: string,
): PhysicalResource | undefined {
  const { partition: p, region: r, account: a } = env;
  const regional = (service: string, resource: string) => `arn:${p}:${service}:${r}:${a}:${resource}`;
  switch (type) {
    case 'AWS::DynamoDB::Table':
      return { ref: name, attributes: { Arn: regional('dynamodb', `table/${name}`) } };
    case 'AWS::Lambda::Function':
      return { ref: name, attributes: { Arn: regional('lambda', `function:${name}`) } };
    case 'AWS::IAM::Role':
      return {
        ref: name,
        attributes: { Arn: `arn:${p}:iam::${a}:role/${name}`, RoleId: `AROA${logicalId}` },
      };
    case 'AWS::IAM::Policy':
      return { ref: name, attributes: {} };
    case 'AWS::IAM::ManagedPolicy': {
      const arn = `arn:${p}:iam::${a}:policy/${name}`;
      return { ref: arn, attributes: { PolicyArn: arn } };
    }
    case 'AWS::KMS::Key': {
      const keyId = localKeyId(logicalId);
      return { ref: keyId, attributes: { Arn: regional('kms', `key/${keyId}`), KeyId: keyId } };
    }
    case 'AWS::KMS::Alias':
      return { ref: name, attributes: { AliasArn: regional('kms', name) } };
    case 'AWS::SQS::Queue': {
      const url = `https://sqs.${r}.${env.urlSuffix}/${a}/${name}`;
      return { ref: url, attributes: { Arn: regional('sqs', name), QueueName: name, QueueUrl: url } };
    }
    case 'AWS::SNS::Topic': {
      const arn = regional('sns', name);
      return { ref: arn, attributes: { TopicArn: arn, TopicName: name } };
    }
    case 'AWS::Events::EventBus':
      return { ref: name, attributes: { Arn: regional('events', `event-bus/${name}`), Name: name } };
    case 'AWS::S3::Bucket':
      return {
        ref: name,
        attributes: {
          Arn: `arn:${p}:s3:::${name}`,
          DomainName: `${name}.s3.${env.urlSuffix}`,
          RegionalDomainName: `${name}.s3.${r}.${env.urlSuffix}`,
        },
      };
    case 'AWS::StepFunctions::StateMachine': {
      const arn = regional('states', `stateMachine:${name}`);
      return { ref: arn, attributes: { Arn: arn, Name: name } };
    }
    case 'AWS::SES::ConfigurationSet':
      return { ref: name, attributes: {} };
    case 'AWS::Logs::LogGroup':
      return { ref: name, attributes: { Arn: regional('logs', `log-group:${name}:*`) } };
    default:
      return undefined;
  }
}
