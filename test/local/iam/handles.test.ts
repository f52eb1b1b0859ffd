/** The Ladder construct's handles, found through the parts that own them. */
import { App, aws_lambda as lambda } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { LadderStack } from '../../../lib/ladder-stack.js';
import { FUNCTIONS, LadderHandleError, ladderHandles, SINGLES } from '../../../local/iam/handles.js';
import { LOCAL_FUNCTION_NAMES } from '../../../local/iam/template.js';

/** A stand-in Ladder: a construct at each path the reader follows, named by the path. */
function fakeLadder(): Record<string, unknown> {
  const root = new Construct(undefined as unknown as Construct, 'Root');
  const ladder: Record<string, unknown> = {};
  const put = (path: string, value: unknown) => {
    const keys = path.split('.');
    const last = keys.pop() as string;
    let at = ladder;
    for (const key of keys) {
      at[key] ??= {};
      at = at[key] as Record<string, unknown>;
    }
    at[last] = value;
  };
  for (const path of [...Object.values(SINGLES), ...Object.values(FUNCTIONS)])
    put(path, new Construct(root, path));
  put('tables.byKey', { cases: new Construct(root, 'cases'), tasks: new Construct(root, 'tasks') });
  put('workflow.stateMachines', { default: new Construct(root, 'default') });
  return ladder;
}

describe('ladderHandles', () => {
  it('finds every handle of the real construct: nine functions, six tables, four keys', () => {
    const stack = new LadderStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Ladder');
    const handles = ladderHandles(stack.ladder);
    expect(Object.keys(handles.functions).sort()).toEqual([...LOCAL_FUNCTION_NAMES].sort());
    expect(handles.functions.ledgerWriter).toBe(stack.ladder.ledgerWriter.writerFunction);
    expect(handles.functions.agentApi).toBe(stack.ladder.workQueue.agentApiFunction);
    expect(handles.tables).toEqual(stack.ladder.tables.byKey);
    expect(Object.keys(handles.tables).sort()).toEqual([
      'cases',
      'contacts',
      'conversations',
      'ledger',
      'seals',
      'tasks',
    ]);
    expect(handles.sealKey).toBe(stack.ladder.keys.sealKey);
    expect(handles.lineKey).toBe(stack.ladder.keys.lineKey);
    expect(handles.stateMachines).toEqual(stack.ladder.workflow.stateMachines);
    // Every function of the stack has a handle: one added to the construct fails here, by its path,
    // until FUNCTIONS names it (the runtime checks each invocation as its function's role).
    // Ladder's own: CDK's BucketDeployment handler (the pages' upload, stack level) runs only in
    // CloudFormation, never in the local runtime.
    const functions = stack.ladder.node.findAll().filter((c) => c instanceof lambda.Function);
    const handled = new Set<unknown>(Object.values(handles.functions));
    expect(functions.filter((f) => !handled.has(f)).map((f) => f.node.path)).toEqual([]);
  });

  it('reads each handle at its one path', () => {
    const ladder = fakeLadder();
    const handles = ladderHandles(ladder);
    expect(handles.functions.stage.node.id).toBe('workflow.stageFunction');
    expect(handles.bus.node.id).toBe('routing.bus');
    expect(Object.keys(handles.tables)).toEqual(['cases', 'tasks']);
  });

  it('names the path it tried when a handle is missing, and refuses what is not a construct', () => {
    const ladder = fakeLadder();
    delete (ladder.routing as Record<string, unknown>).bus;
    expect(() => ladderHandles(ladder)).toThrow(LadderHandleError);
    expect(() => ladderHandles(ladder)).toThrow('the Ladder construct has no ladder.routing.bus');
    // The flat properties of the construct before it was split into parts are not read.
    const flat = new Construct(undefined as unknown as Construct, 'Flat');
    expect(() => ladderHandles({ ...ladder, bus: flat })).toThrow('no ladder.routing.bus');
    const notConstruct = fakeLadder();
    (notConstruct.routing as Record<string, unknown>).bus = 'LadderBus';
    expect(() => ladderHandles(notConstruct)).toThrow('bus is not a construct');
  });
});
