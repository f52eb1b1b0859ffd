import { readFileSync } from 'node:fs';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { resumePoint, type StageAction } from '../../functions/domain/continuation.js';
import type { Outcome } from '../../functions/domain/decide.js';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { stageLabel } from '../../functions/domain/policy.js';
import { definitionFile, renderLadderJson } from '../../statemachines/render.js';

const read = (id: string) => readFileSync(new URL(`../../${definitionFile(id)}`, import.meta.url), 'utf8');
const committed = read('default');
const definition = JSON.parse(committed) as { States: Record<string, Record<string, unknown>> };
const policy = bundledPolicies().get('default');

describe('statemachines/*.asl.json', () => {
  it.each(
    bundledPolicies()
      .all()
      .map((p) => [p.id, p] as const),
  )(
    '%s.asl.json is exactly what its policy renders (run `npm run render` after changing a policy)',
    (id, p) => {
      expect(read(id)).toBe(renderLadderJson(p));
    },
  );
  it('passes asl-validator in every partition, its ${Partition} filled as CDK fills it', () => {
    const validate = aslValidator as unknown as (d: unknown) => { isValid: boolean; errors: unknown[] };
    for (const partition of ['aws', 'aws-cn', 'aws-us-gov']) {
      const result = validate(JSON.parse(committed.replaceAll('${Partition}', partition)));
      expect(result.errors, partition).toEqual([]);
      expect(result.isValid).toBe(true);
    }
  });
  it("has a Retry and a Catch on every Task, retrying the handlers' error names", () => {
    const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(10);
    for (const [name, state] of tasks) {
      const retry = state.Retry as Array<{ ErrorEquals: string[] }>;
      expect(retry?.[0]?.ErrorEquals, name).toEqual(
        expect.arrayContaining(['TransientError', 'ConcurrentUpdateError']),
      );
      expect((state.Catch as unknown[])?.length, name).toBeGreaterThan(0);
    }
  });
  it('names one state per stage for the operator, and uses JSONPath only', () => {
    for (const stage of policy.stages) expect(definition.States[stageLabel(stage)], stage.id).toBeDefined();
    expect(definition.States['D+7 agent call']?.Resource).toMatch(/waitForTaskToken$/);
    expect(committed).not.toMatch(/QueryLanguage|JSONata|"Assign"/);
  });
  it('never waits on a fixed long timer: every Wait reads the executor-computed wakeAt', () => {
    const waits = Object.values(definition.States).filter((s) => s.Type === 'Wait');
    for (const w of waits) expect(w.TimestampPath).toBe('$.step.wakeAt');
  });
  it('gives human tasks a TimeoutSeconds and a HeartbeatSeconds', () => {
    for (const name of ['D+7 agent call', 'D+30 field visit']) {
      expect(definition.States[name]?.TimeoutSeconds).toBeGreaterThan(0);
      expect(definition.States[name]?.HeartbeatSeconds).toBeGreaterThan(0);
    }
  });
  it('starts every execution at "Start or continue?": a first one at the first Wait, a continued one where the last stopped', () => {
    const start = definition.States['Start or continue?'] as { Choices: unknown[]; Default: string };
    expect((definition as unknown as { StartAt: string }).StartAt).toBe('Start or continue?');
    expect(start.Choices).toEqual([
      { Variable: '$.continuedFrom', IsPresent: true, Next: 'Continue where the last execution stopped' },
    ]);
    expect(start.Default).toBe('Wait for D-3 pre-due reminder');
  });

  it('resumes a continued execution at the state the old one would have entered (the routing is the oracle)', () => {
    type Choice = { Choices: Array<{ StringEquals: string; Next: string }>; Default: string };
    const resume = definition.States['Continue where the last execution stopped'] as Choice;
    const resumedAt = (point: string) => resume.Choices.find((c) => c.StringEquals === point)?.Next;
    let checked = 0;
    for (const [name, state] of Object.entries(definition.States)) {
      const payload = (state.Parameters as { Payload?: { action?: string; stage?: string } } | undefined)
        ?.Payload;
      const next = definition.States[String(state.Next)];
      if (!payload?.action || payload.action === 'CONTINUE' || next?.Type !== 'Choice') continue;
      const choice = next as unknown as Choice;
      for (const outcome of ['WAIT', 'NEXT', 'HOLD', 'PAUSE', 'PLAN', 'SIGN'] as Outcome[]) {
        const routed = choice.Choices.find((c) => c.StringEquals === outcome)?.Next ?? choice.Default;
        const point = resumePoint(policy, payload.action as StageAction, payload.stage, outcome);
        if (point === undefined) {
          // Nothing to continue: the route waits for nothing (a Choice, or the end).
          expect(definition.States[routed]?.Type, `${name} ${outcome} -> ${routed}`).toMatch(
            /^(Choice|Succeed)$/,
          );
          continue;
        }
        expect(resumedAt(point), `${name} ${outcome}`).toBe(routed);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});
