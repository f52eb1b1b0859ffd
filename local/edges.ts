import { translateAwsError } from '../functions/adapters/aws-errors.js';
import type { EvidenceStore } from '../functions/adapters/evidence-store.js';
import { type LedgerWriter, writerFailure } from '../functions/adapters/ledger-writer.js';
import {
  type EventPublisher,
  type ExecutionStarter,
  executionArnOf,
  type LadderContinuer,
  stateMachineOfExecution,
  type TaskCallbacks,
} from '../functions/adapters/workflow.js';
import { LADDER_SOURCE } from '../functions/domain/routes.js';
import type { MacKey } from '../functions/domain/seal.js';
import type { Access } from './access.js';
import { type Invoke, InvokeApiError } from './invoke.js';
import type { LocalKeys } from './keys.js';

/**
 * The edges the local runtime keeps as local objects (no SDK client: the bus and the evidence bucket
 * are recorders, task callbacks and execution starts go to the embedded interpreter, the HMAC keys are
 * in memory, the ledger writer is invoked in-process), each checking first the IAM request its SDK
 * call makes on AWS (functions/adapters/: BusPublisher, S3EvidenceStore, SfnCallbacks, SfnStarter, SfnContinuer,
 * KmsMacKey, LambdaLedgerWriter), with the resource names the stack gives them. Those adapters let an
 * AccessDenied through unchanged, as these do.
 */

export function checkedBus(bus: EventPublisher, access: Access): EventPublisher {
  return {
    publish(detailType, detail) {
      const entry = { EventBusName: access.busName, Source: LADDER_SOURCE, DetailType: detailType };
      access.check('EventBridge', 'PutEvents', { Entries: [entry] });
      return bus.publish(detailType, detail);
    },
  };
}

export function checkedEvidence(evidence: EvidenceStore, access: Access): EvidenceStore {
  return {
    put(key, json, document) {
      for (const name of [`${key}.json`, `${key}.md`])
        access.check('S3', 'PutObject', { Bucket: access.bucketName, Key: name });
      return evidence.put(key, json, document);
    },
    putObject(object) {
      // As S3EvidenceStore with the evidence key named: PutObject, and GenerateDataKey through S3.
      access.check('S3', 'PutObject', {
        Bucket: access.bucketName,
        Key: object.key,
        SSEKMSKeyId: access.evidenceKeyArn,
      });
      return evidence.putObject(object);
    },
  };
}

export function checkedCallbacks(callbacks: TaskCallbacks, access: Access): TaskCallbacks {
  return {
    succeed(token, output) {
      access.check('SFN', 'SendTaskSuccess', { taskToken: token });
      return callbacks.succeed(token, output);
    },
    heartbeat(token) {
      access.check('SFN', 'SendTaskHeartbeat', { taskToken: token });
      return callbacks.heartbeat(token);
    },
  };
}

export function checkedStarter(starter: ExecutionStarter, access: Access): ExecutionStarter {
  return {
    start(name, input) {
      const stateMachineArn = access.stateMachineArn(input.policyId);
      access.check('SFN', 'StartExecution', { stateMachineArn, name });
      return starter.start(name, input);
    },
  };
}

/**
 * The stage's continuation of a ladder: StartExecution on the state machine of the execution it
 * continues, as SfnContinuer calls it, then the local registry's start (idempotent by name).
 */
export function checkedContinuer(starter: ExecutionStarter, access: Access): LadderContinuer {
  return {
    async continueAs(from, name, input) {
      const stateMachineArn = stateMachineOfExecution(from);
      access.check('SFN', 'StartExecution', { stateMachineArn, name });
      const { started } = await starter.start(name, input);
      return { executionArn: executionArnOf(stateMachineArn, name), started };
    },
  };
}

/** A MAC key that may be used as the KMS key `keyArn` only (GenerateMac, VerifyMac on it). */
function checkedKey(key: MacKey, keyArn: string, access: Access): MacKey {
  const request = { KeyId: keyArn, MacAlgorithm: 'HMAC_SHA_256' };
  return {
    keyId: key.keyId,
    mac(message) {
      access.check('KMS', 'GenerateMac', request);
      return key.mac(message);
    },
    verify(message, mac) {
      access.check('KMS', 'VerifyMac', request);
      return key.verify(message, mac);
    },
  };
}

/** The seal key and the line key as the stack's KMS keys: who may make (or check) MACs is IAM's. */
export function checkedKeys(keys: LocalKeys, access: Access): LocalKeys {
  return {
    ...keys,
    seal: checkedKey(keys.seal, access.sealKeyArn, access),
    line: checkedKey(keys.line, access.lineKeyArn, access),
    link: checkedKey(keys.link, access.linkKeyArn, access),
  };
}

/**
 * The stage's way to the ledger: it invokes the ledger writer function (lambda:InvokeFunction on the
 * writer's ARN, as the stage), which then runs as itself. `invoke` is asked for when the first record
 * is appended: the invoker is built after the handlers that need this writer.
 */
export function invokingWriter(invoke: () => Invoke, access: Access): LedgerWriter {
  return {
    async append(record, options = {}) {
      access.check('Lambda', 'Invoke', { FunctionName: access.functionArn('ledgerWriter') });
      try {
        await invoke()('ledgerWriter', { record, ...options });
      } catch (error) {
        // As LambdaLedgerWriter sees it: an Invoke API error through the SDK's translation, a function
        // error (the writer's own, or the runtime's) from the response's errorType.
        if (error instanceof InvokeApiError)
          translateAwsError(error, `appending ledger record ${record.seq}`);
        const e = error as Error;
        throw writerFailure({ errorType: e.name, errorMessage: e.message }, 'Unhandled');
      }
    },
  };
}
