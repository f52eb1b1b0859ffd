import { readFileSync } from 'node:fs';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
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
});
