import { describe, expect, it } from 'vitest';
import type { RepaymentPlan } from '../../functions/domain/case.js';
import {
  decideContacts,
  fallbackChannels,
  gate,
  MAX_WAIT_MS,
  noticeGate,
  notYet,
  preDueExpired,
} from '../../functions/domain/decide.js';
import { stageById } from '../../functions/domain/policy.js';
import { RULE_PACKS } from '../../functions/domain/rulepacks.js';
import { at, caseRecord, DAY, MINUTE, POLICY, profile, promiseToPay, repaymentPlan } from './fixtures.js';

/**
 * The ladder's decisions: what stops or pauses it (gate), when a stage is due (notYet, the longest
 * Wait being 21 days), a pre-due reminder made pointless by a late case, the channel decisions, and
 * the advance notices (field visit, credit report) to the minute of their waiting period.
 *
 * Survivor judged equivalent (decide.ts, consentBlock): `(channel is SMS, EMAIL or CALL) &&` before
 * `profile.optOuts[channel]` mutated to true, since a borrower can opt out of those three channels only
 * (ContactChannel), so optOuts has no LETTER or VISIT key.
 */
describe('gate', () => {
  const plan = (status: RepaymentPlan['status'], confirmed = 0) => repaymentPlan({ status, confirmed });
  const pending = promiseToPay('PENDING', '2026-12-15');

  it('an active case with nothing pending passes', () => {
    expect(gate(POLICY, caseRecord(), profile())).toBeUndefined();
  });

  it('a closed case stops with its reason, or its status when it has none', () => {
    expect(gate(POLICY, caseRecord({ status: 'CURED', closedReason: 'PAID' }), profile())).toEqual({
      outcome: 'CURED',
      reason: 'PAID',
    });
    expect(gate(POLICY, caseRecord({ status: 'HANDED_OVER' }), profile())).toEqual({
      outcome: 'HANDED_OVER',
      reason: 'HANDED_OVER',
    });
  });

  it('a specialist status closes it (before a dispute holds it)', () => {
    const c = caseRecord({ dispute: { openedAt: 'x' } });
    expect(gate(POLICY, c, profile({ specialStatus: 'BANKRUPT' }))).toEqual({
      outcome: 'CLOSED',
      reason: 'SPECIALIST_BANKRUPT',
    });
    expect(gate(POLICY, c, profile())).toEqual({ outcome: 'HOLD' });
    const resolved = caseRecord({ dispute: { openedAt: 'x', resolvedAt: 'y' } });
    expect(gate(POLICY, resolved, profile())).toBeUndefined();
  });

  it('a proposed plan waits for the signature; an active one pauses to its next reminder (3 days before, 09:00), then to the instalment plus grace (3)', () => {
    expect(gate(POLICY, caseRecord({ plan: plan('PROPOSED'), promises: [pending] }), profile())).toEqual({
      outcome: 'SIGN',
    });
    expect(gate(POLICY, caseRecord({ plan: plan('ACTIVE', 1) }), profile())).toEqual({
      outcome: 'PLAN',
      until: at('2027-01-17T09:00:00+08:00'),
    });
    expect(gate(POLICY, caseRecord({ plan: { ...plan('ACTIVE', 1), reminded: 2 } }), profile())).toEqual({
      outcome: 'PLAN',
      until: at('2027-01-24T00:00:00+08:00'),
    });
  });

  it('a plan with every instalment confirmed, or broken, no longer pauses; a pending promise does (grace 2)', () => {
    expect(gate(POLICY, caseRecord({ plan: plan('ACTIVE', 2) }), profile())).toBeUndefined();
    expect(gate(POLICY, caseRecord({ plan: plan('BROKEN'), promises: [pending] }), profile())).toEqual({
      outcome: 'PAUSE',
      until: at('2026-12-18T00:00:00+08:00'),
    });
  });
});

describe('notYet: when a stage is due', () => {
  const d7 = stageById(POLICY, 'D+7');
  const due = at('2026-12-17T09:00:00+08:00');
  it('waits until the stage time, but at most 21 days at a time', () => {
    expect(MAX_WAIT_MS).toBe(1_814_400_000);
    expect(notYet(POLICY, caseRecord(), profile(), d7, due - MINUTE)).toBe(due);
    expect(notYet(POLICY, caseRecord(), profile(), d7, due)).toBeUndefined();
    expect(notYet(POLICY, caseRecord(), profile(), d7, due + MINUTE)).toBeUndefined();
    const early = due - 30 * DAY;
    expect(notYet(POLICY, caseRecord(), profile(), d7, early)).toBe(early + 21 * DAY);
    expect(notYet(POLICY, caseRecord(), profile(), d7, due - 21 * DAY)).toBe(due);
  });
});

describe('preDueExpired: a pre-due reminder once the due date has passed', () => {
  const pre = stageById(POLICY, 'D-3');
  const c = caseRecord({ dueDate: '2026-12-10' });
  it('still due on the due date itself; pointless from the next local day', () => {
    expect(preDueExpired(c, profile(), pre, at('2026-12-10T23:59:00+08:00'))).toBe(false);
    expect(preDueExpired(c, profile(), pre, at('2026-12-11T00:00:00+08:00'))).toBe(true);
    expect(
      preDueExpired(c, profile({ timeZone: 'America/New_York' }), pre, at('2026-12-11T00:00:00-05:00')),
    ).toBe(true);
  });
  it('never for a stage on or after the due date (D+0 included)', () => {
    const after = at('2026-12-11T00:00:00+08:00');
    expect(preDueExpired(c, profile(), stageById(POLICY, 'D+1'), after)).toBe(false);
    const dueDay = { ...stageById(POLICY, 'D+1'), id: 'D+0', offsetDays: 0 };
    expect(preDueExpired(c, profile(), dueDay, after)).toBe(false);
  });
});

describe('decideContacts: consent and delivery', () => {
  const noon = at('2026-12-01T12:00:00+08:00');
  const night = at('2026-12-01T23:00:00+08:00');
  const decide = (
    channels: Parameters<typeof decideContacts>[1],
    delivery: 'ALL' | 'FIRST_OPEN',
    p = profile(),
    now = noon,
    requireVerifiedContactPoints = false,
  ) => decideContacts(RULE_PACKS.CN, channels, delivery, p, 'L', now, { requireVerifiedContactPoints });

  it('PREFERRED resolves to the preferred channel and is decided once', () => {
    const p = profile({ preferredChannel: 'EMAIL' });
    expect(decide(['PREFERRED', 'EMAIL', 'SMS'], 'ALL', p)).toEqual([
      { channel: 'EMAIL', status: 'SEND' },
      { channel: 'SMS', status: 'SEND' },
    ]);
  });

  it('FIRST_OPEN stops at the first channel not blocked, even when it is deferred', () => {
    expect(decide(['SMS', 'EMAIL'], 'FIRST_OPEN', profile(), night)).toEqual([
      {
        channel: 'SMS',
        status: 'DEFERRED',
        reason: 'CN_CONTACT_HOURS',
        until: at('2026-12-02T08:00:00+08:00'),
      },
    ]);
    expect(decide(['SMS', 'EMAIL'], 'ALL', profile(), night).map((d) => d.status)).toEqual([
      'DEFERRED',
      'DEFERRED',
    ]);
  });

  it('an opt-out of calls blocks calls; an opt-out is named before a missing contact point', () => {
    const p = profile({ optOuts: { CALL: 'x', EMAIL: 'y' }, contactPoints: {} });
    expect(decide(['CALL', 'EMAIL', 'SMS'], 'ALL', p)).toEqual([
      { channel: 'CALL', status: 'BLOCKED', reason: 'OPTED_OUT_CALL' },
      { channel: 'EMAIL', status: 'BLOCKED', reason: 'OPTED_OUT_EMAIL' },
      { channel: 'SMS', status: 'BLOCKED', reason: 'NO_CONTACT_POINT' },
    ]);
  });

  it('letters and visits need no SMS or e-mail contact point, verified or not', () => {
    const p = profile({ contactPoints: {} });
    expect(decide(['LETTER', 'VISIT'], 'ALL', p, noon, true)).toEqual([
      { channel: 'LETTER', status: 'SEND' },
      { channel: 'VISIT', status: 'SEND' },
    ]);
  });

  it('a call with no phone number on file is blocked when the policy requires verified points', () => {
    expect(decide(['CALL'], 'ALL', profile({ contactPoints: {} }), noon, true)).toEqual([
      { channel: 'CALL', status: 'BLOCKED', reason: 'UNVERIFIED_CONTACT_POINT' },
    ]);
  });

  it('an unverified e-mail address is blocked when the policy requires verified points', () => {
    const p = profile({ contactPoints: { SMS: { verified: true }, EMAIL: { verified: false } } });
    expect(decide(['EMAIL', 'CALL'], 'ALL', p, noon, true)).toEqual([
      { channel: 'EMAIL', status: 'BLOCKED', reason: 'UNVERIFIED_CONTACT_POINT' },
      { channel: 'CALL', status: 'SEND' },
    ]);
  });

  it('fallback channels: the resolved channels not yet tried, in policy order', () => {
    const p = profile({ preferredChannel: 'EMAIL' });
    expect(fallbackChannels(['SMS', 'PREFERRED', 'LETTER', 'EMAIL'], p, new Set(['SMS']))).toEqual([
      'EMAIL',
      'LETTER',
    ]);
  });
});

describe('noticeGate: the advance notice and its waiting period, to the minute', () => {
  const sent = '2026-12-01T01:00:00.000Z';
  const noticed = caseRecord({ notices: { CREDIT_REPORT: sent, FIELD_VISIT: sent } });
  const US_DAYS = RULE_PACKS.US.creditReportNoticeDays;
  const CN_DAYS = RULE_PACKS.CN.creditReportNoticeDays;

  it('no notice: BLOCKED, whatever the wait', () => {
    expect(noticeGate('CREDIT_REPORT', caseRecord(), CN_DAYS, at(sent), POLICY)).toEqual({
      status: 'BLOCKED',
      reason: 'NO_CREDIT_REPORT_NOTICE',
    });
    expect(noticeGate('FIELD_VISIT', caseRecord(), 2, at(sent), POLICY)).toEqual({
      status: 'BLOCKED',
      reason: 'NO_FIELD_VISIT_NOTICE',
    });
  });

  it('US: 14 days after the notice, not a minute before', () => {
    const until = at('2026-12-15T01:00:00Z');
    expect(noticeGate('CREDIT_REPORT', noticed, US_DAYS, at('2026-12-14T01:00:00Z'), POLICY)).toEqual({
      status: 'DEFERRED',
      reason: 'CREDIT_REPORT_NOTICE_PERIOD',
      until,
    });
    expect(noticeGate('CREDIT_REPORT', noticed, US_DAYS, until - MINUTE, POLICY)).toMatchObject({
      status: 'DEFERRED',
    });
    expect(noticeGate('CREDIT_REPORT', noticed, US_DAYS, until, POLICY)).toBeUndefined();
    expect(noticeGate('CREDIT_REPORT', noticed, US_DAYS, until + MINUTE, POLICY)).toBeUndefined();
  });

  it('CN: the notice alone, no wait; a field visit waits its notice days (2)', () => {
    expect(noticeGate('CREDIT_REPORT', noticed, CN_DAYS, at(sent), POLICY)).toBeUndefined();
    expect(noticeGate('FIELD_VISIT', noticed, 2, at('2026-12-03T00:59:00Z'), POLICY)).toEqual({
      status: 'DEFERRED',
      reason: 'FIELD_VISIT_NOTICE_PERIOD',
      until: at('2026-12-03T01:00:00Z'),
    });
    expect(noticeGate('FIELD_VISIT', noticed, 2, at('2026-12-03T01:00:00Z'), POLICY)).toBeUndefined();
  });
});
