/**
 * The reference the local evaluator is compared with: @cloud-copilot/iam-simulate. It is AGPL-3.0, so
 * it is a devDependency used by tests only: nothing under local/, functions/ or lib/ may import it.
 */
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { IamRequest, Verdict } from '../../../local/iam/evaluate.js';
import type { PolicyStatement } from '../../../local/iam/policy.js';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';

export interface ReferenceCase {
  readonly identity: readonly PolicyStatement[];
  /** A KMS key policy (the resource policy of a KMS request). */
  readonly keyPolicy?: readonly PolicyStatement[];
  /** The caller, arn:aws:sts::<account>:assumed-role/<role>/<session>. */
  readonly principal: string;
  readonly request: IamRequest;
  /**
   * The resource to give the reference instead of the request's. For an SMS (resource `*` locally)
   * the phone number AWS authorizes: the reference reads a `*` request resource as "any resource".
   */
  readonly referenceResource?: string;
}

const document = (statements: readonly PolicyStatement[]) => ({
  Version: '2012-10-17',
  Statement: statements,
});

/** iam-simulate's verdict; throws on its validation errors (a case the comparison must not drop). */
export async function referenceVerdict(c: ReferenceCase): Promise<Verdict> {
  const resource = c.referenceResource ?? c.request.resource;
  const simulation: Simulation = {
    request: {
      principal: c.principal,
      action: c.request.action,
      resource: { resource, accountId: ACCOUNT },
      contextVariables: Object.fromEntries(
        Object.entries(c.request.context ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : [...v]]),
      ),
    },
    identityPolicies: [{ name: 'role', policy: document(c.identity) }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(c.keyPolicy ? { resourcePolicy: document(c.keyPolicy) } : {}),
  };
  if (c.referenceResource !== undefined) return runUnsafeSimulation(simulation, {});
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    // states:SendTask* are "resource-less" in iam-data, but Step Functions authorizes them on the state
    // machine (local/iam/requests.ts): evaluated without the resource-type validation.
    if (result.errors.message === 'must.use.wildcard') return runUnsafeSimulation(simulation, {});
    throw new Error(
      `iam-simulate refused ${c.request.action} on ${resource}: ${JSON.stringify(result.errors)}`,
    );
  }
  if (result.resultType === 'single' && (result.result.ignoredContextKeys ?? []).length > 0) {
    throw new Error(`iam-simulate ignored ${result.result.ignoredContextKeys} for ${c.request.action}`);
  }
  return result.overallResult;
}
