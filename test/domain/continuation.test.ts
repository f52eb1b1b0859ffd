import { describe, expect, it } from 'vitest';
import {
  CONTINUE_WITHIN_DAYS,
  callbackTimeoutSeconds,
  continuationName,
  continueAt,
  executionName,
  HOLD_TIMEOUT_DAYS,
  resumePoint,
  type StageAction,
  waitEnds,
} from '../../functions/domain/continuation.js';
import type { Outcome, Step } from '../../functions/domain/decide.js';
import { at, DAY, POLICY } from './fixtures.js';

/**
 * The continuation's plain functions against values worked by hand: the default policy's stages are
 * D-3 D+1 D+3 D+7(call) D+15 D+28 D+30(visit) D+60 D+76 D+90 D+91, its human task times out after
 * 72 hours, a plan's signing after 7 days. Hash suffixes are sha256(name)[:10], computed with Python's
 * hashlib, not with this code.
 */
describe('resumePoint: the waiting state the Choice after a task routes to', () => {
  const cases: [StageAction, string | undefined, Outcome, string | undefined][] = [
    ['RUN_STAGE', 'D+1', 'HOLD', 'HOLD'],
    ['CHECK_PLAN', undefined, 'PAUSE', 'PROMISE'],
    ['RUN_STAGE', 'D+7', 'PLAN', 'PLAN'],
    ['RECORD_HUMAN_OUTCOME', 'D+7', 'SIGN', 'SIGN'],
    ['CHECK_PROMISE', undefined, 'WAIT', 'PROMISE'],
    ['CHECK_PLAN', undefined, 'WAIT', 'PLAN'],
    ['RECORD_SIGNATURE', undefined, 'WAIT', 'PLAN'],
    ['AFTER_HOLD', undefined, 'WAIT', 'HOLD'],
    ['RUN_STAGE', 'D+15', 'WAIT', 'D+15'],
    ['RECORD_HUMAN_OUTCOME', 'D+7', 'WAIT', 'D+7'],
    ['RECORD_FAILURE', 'D+7', 'WAIT', undefined],
    ['CONTINUE', 'D+7', 'WAIT', undefined],
    ['RUN_STAGE', 'D+3', 'NEXT', 'D+7'],
    ['RECORD_HUMAN_OUTCOME', 'D+7', 'NEXT', 'D+15'],
    ['RUN_STAGE', 'D+91', 'NEXT', undefined],
    ['RUN_STAGE', undefined, 'NEXT', undefined],
    ['CHECK_PROMISE', 'D+7', 'NEXT', undefined],
    ['RUN_STAGE', 'D+7', 'CURED', undefined],
    ['RUN_STAGE', 'D+7', 'SETTLED', undefined],
    ['RUN_STAGE', 'D+7', 'CLOSED', undefined],
    ['RUN_STAGE', 'D+7', 'HANDED_OVER', undefined],
    ['RUN_STAGE', 'D+7', 'RESUME', undefined],
    ['RUN_STAGE', 'D+7', 'CONTINUE', undefined],
  ];
  it.each(cases)('%s of %s answering %s waits at %s', (action, stage, outcome, point) => {
    expect(resumePoint(POLICY, action, stage, outcome)).toBe(point);
  });
});

describe('waitEnds and the callback timeouts', () => {
  const now = at('2027-01-01T00:00:00Z');
  const wakeAt = at('2027-01-10T00:00:00Z');

  it('times each callback by the policy: hold 180 days, signing 7 days, a task its hours plus a day', () => {
    expect(HOLD_TIMEOUT_DAYS).toBe(180);
    expect(callbackTimeoutSeconds.hold()).toBe(15_552_000);
    expect(callbackTimeoutSeconds.signing(POLICY)).toBe(604_800);
    expect(callbackTimeoutSeconds.humanTask(POLICY)).toBe(345_600);
    expect(callbackTimeoutSeconds.humanTaskHeartbeat(POLICY)).toBe(259_200);
  });

  it('a hold and a signing end their timeout after now; a stage at its wake, a human stage four days later', () => {
    expect(waitEnds(POLICY, 'HOLD', wakeAt, now)).toBe(now + 180 * DAY);
    expect(waitEnds(POLICY, 'SIGN', wakeAt, now)).toBe(now + 7 * DAY);
    expect(waitEnds(POLICY, 'D+15', wakeAt, now)).toBe(wakeAt);
    expect(waitEnds(POLICY, 'PROMISE', wakeAt, now)).toBe(wakeAt);
    expect(waitEnds(POLICY, 'D+7', wakeAt, now)).toBe(wakeAt + 4 * DAY);
    expect(waitEnds(POLICY, 'D+30', wakeAt, now)).toBe(wakeAt + 4 * DAY);
  });
});

describe('continueAt: continue only when the next wait ends past day 330 of the execution', () => {
  const startedAt = '2026-01-01T00:00:00.000Z';
  const deadline = at(startedAt) + CONTINUE_WITHIN_DAYS * DAY;
  const step = (outcome: Outcome, wakeAt: number): Step => ({
    outcome,
    wakeAt: new Date(wakeAt).toISOString(),
    stage: 'D+15',
    resumeStage: '',
    ledger: { seq: 3, hash: 'h' },
  });
  const request = { action: 'RUN_STAGE' as const, stage: 'D+15', startedAt };

  it('a wait ending at the deadline stays; a millisecond later continues where it would wait', () => {
    expect(CONTINUE_WITHIN_DAYS).toBe(330);
    expect(continueAt(POLICY, request, step('WAIT', deadline), deadline - DAY)).toBeUndefined();
    expect(continueAt(POLICY, request, step('WAIT', deadline + 1), deadline - DAY)).toBe('D+15');
    expect(continueAt(POLICY, request, step('NEXT', deadline + 1), deadline - DAY)).toBe('D+28');
  });

  it('a human stage counts its task after the wait', () => {
    const call = { action: 'RUN_STAGE' as const, stage: 'D+3', startedAt };
    expect(continueAt(POLICY, call, step('NEXT', deadline - 4 * DAY), 0)).toBeUndefined();
    expect(continueAt(POLICY, call, step('NEXT', deadline - 4 * DAY + 1), 0)).toBe('D+7');
  });

  it('nothing continues without a start time, or when the step does not wait', () => {
    const late = step('WAIT', deadline + DAY);
    expect(continueAt(POLICY, { action: 'RUN_STAGE', stage: 'D+15' }, late, 0)).toBeUndefined();
    expect(continueAt(POLICY, { ...request, startedAt: '' }, late, 0)).toBeUndefined();
    expect(continueAt(POLICY, request, step('CURED', deadline + DAY), 0)).toBeUndefined();
  });

  it('a hold started late in the execution continues, as its timeout is counted from now', () => {
    const hold = { action: 'AFTER_HOLD' as const, startedAt };
    expect(continueAt(POLICY, hold, step('WAIT', 0), deadline - 180 * DAY)).toBeUndefined();
    expect(continueAt(POLICY, hold, step('WAIT', 0), deadline - 180 * DAY + 1)).toBe('HOLD');
  });
});

describe('execution names: deterministic, at most 80 of [A-Za-z0-9-_]', () => {
  it('a plain loan id and its cycle, up to exactly 80 characters', () => {
    expect(executionName('L-1', 1)).toBe('L-1-c1');
    expect(executionName('L'.repeat(77), 1)).toBe(`${'L'.repeat(77)}-c1`);
  });

  it('other characters are replaced and the loan id hashed, so two ids never share a name', () => {
    expect(executionName('L 1', 1)).toBe('L_1_abca9b4207-c1');
    expect(executionName('L_1', 1)).toBe('L_1-c1');
  });

  it('a long id keeps 66 characters, the hash and the cycle: 80 in all', () => {
    const name = executionName('L'.repeat(79), 1);
    expect(name).toBe(`${'L'.repeat(66)}_f5e7b2434f-c1`);
    expect(name).toHaveLength(80);
  });

  it('continuations count up from -r1, even past -r9, and only at the end of the name', () => {
    expect(continuationName('L-1-c1')).toBe('L-1-c1-r1');
    expect(continuationName('L-1-c1-r1')).toBe('L-1-c1-r2');
    expect(continuationName('L-1-c1-r9')).toBe('L-1-c1-r10');
    expect(continuationName('L-r1x-c1')).toBe('L-r1x-c1-r1');
    expect(continuationName(`${'X'.repeat(74)}-c1`)).toBe(`${'X'.repeat(74)}-c1-r1`);
  });

  it('a first name at 80 characters is shortened with its hash, and the next continuation keeps that base', () => {
    const first = `${'X'.repeat(76)}-c12`;
    const r1 = continuationName(first);
    expect(r1).toBe(`${'X'.repeat(66)}_a2d535bacb-r1`);
    expect(r1).toHaveLength(80);
    expect(continuationName(r1)).toBe(`${'X'.repeat(66)}_a2d535bacb-r2`);
  });
});
