import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  ExecutionAlreadyExists,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { LadderInput } from '../domain/decide.js';
import { ValidationError } from '../domain/errors.js';
import { type OutboundInput, type OutboundType, outboundDetail } from '../domain/outbound.js';
import { LADDER_SOURCE } from '../domain/routes.js';
import { translateAwsError } from './aws-errors.js';
import { CLIENT_CONFIG } from './env.js';

/**
 * An execution's ARN from its state machine's and its name, as Step Functions forms it:
 * arn:<partition>:states:<region>:<account>:execution:<state machine name>:<execution name>.
 */
export const executionArnOf = (stateMachineArn: string, name: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/** The state machine an execution runs on, from the execution's ARN (the inverse of executionArnOf). */
export const stateMachineOfExecution = (arn: string): string =>
  arn.replace(':execution:', ':stateMachine:').replace(/:[^:]*$/, '');

/** Starts a ladder execution. Same name and input while running: Step Functions returns the same execution. */
export interface ExecutionStarter {
  start(name: string, input: { policyId: string }): Promise<{ started: boolean }>;
}

/**
 * Starts the execution a ladder continues in, on the state machine of the execution it continues
 * (`from`, its ARN): the stage function needs no list of state machines (its ARN is in their
 * definitions, so naming theirs in its environment would make a cycle). Same name and input while it
 * runs: Step Functions returns the same execution; ExecutionAlreadyExists means it was started.
 */
export interface LadderContinuer {
  continueAs(
    from: string,
    name: string,
    input: LadderInput,
  ): Promise<{ executionArn: string; started: boolean }>;
}

/** Completes a callback task (a hold or a human task) the execution is waiting on. */
export interface TaskCallbacks {
  succeed(token: string, output: unknown): Promise<{ delivered: boolean }>;
  /** Someone is working on the task: resets its HeartbeatSeconds. */
  heartbeat(token: string): Promise<{ delivered: boolean }>;
}

/**
 * Publishes the outbound events (letters, agency placement and recall, legal handoff, credit
 * reports): each detail is checked against its contract (functions/domain/outbound.ts) before it
 * leaves, on AWS and locally alike.
 */
export interface EventPublisher {
  publish<T extends OutboundType>(detailType: T, detail: OutboundInput<T>): Promise<void>;
}

/** Starts the execution on the state machine of the input's policy (one state machine per policy). */
export class SfnStarter implements ExecutionStarter {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArns: Readonly<Record<string, string>>,
  ) {}

  async start(name: string, input: { policyId: string }) {
    const stateMachineArn = this.stateMachineArns[input.policyId];
    if (!stateMachineArn) throw new ValidationError(`no state machine for policy ${input.policyId}`);
    try {
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return { started: true };
    } catch (error) {
      // A different input under the same name: the cycle was started before. Nothing new to start.
      if (error instanceof ExecutionAlreadyExists) return { started: false };
      return translateAwsError(error, 'starting the execution');
    }
  }
}

export class SfnContinuer implements LadderContinuer {
  constructor(private readonly sfn: SFNClient) {}

  async continueAs(from: string, name: string, input: LadderInput) {
    const stateMachineArn = stateMachineOfExecution(from);
    const executionArn = executionArnOf(stateMachineArn, name);
    try {
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return { executionArn, started: true };
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return { executionArn, started: false };
      return translateAwsError(error, 'continuing the ladder');
    }
  }
}

export class SfnCallbacks implements TaskCallbacks {
  constructor(private readonly sfn: SFNClient) {}

  async succeed(token: string, output: unknown) {
    try {
      await this.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
      return { delivered: true };
    } catch (error) {
      // The task already ended (timed out, or completed by someone else): nothing to deliver.
      if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut) return { delivered: false };
      return translateAwsError(error, 'completing the task');
    }
  }

  async heartbeat(token: string) {
    try {
      await this.sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
      return { delivered: true };
    } catch (error) {
      if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut) return { delivered: false };
      return translateAwsError(error, 'sending the heartbeat');
    }
  }
}

export class BusPublisher implements EventPublisher {
  constructor(
    private readonly events: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish<T extends OutboundType>(detailType: T, detail: OutboundInput<T>) {
    // Outside the try: a detail that breaks its contract is Ladder's bug (LadderError), not AWS's fault.
    const checked = outboundDetail(detailType, detail);
    try {
      const out = await this.events.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: this.busName,
              Source: LADDER_SOURCE,
              DetailType: detailType,
              Detail: JSON.stringify(checked),
            },
          ],
        }),
      );
      if ((out.FailedEntryCount ?? 0) > 0)
        throw Object.assign(new Error('PutEvents failed'), { name: 'InternalFailure' });
    } catch (error) {
      translateAwsError(error, `publishing ${detailType}`);
    }
  }
}

/** For `lazily` (functions/adapters/lazy.ts): the adapters with their own clients, from this module. */
export const sfnContinuer = (): LadderContinuer => new SfnContinuer(new SFNClient(CLIENT_CONFIG));
export const busPublisher = (busName: string): EventPublisher =>
  new BusPublisher(new EventBridgeClient(CLIENT_CONFIG), busName);
