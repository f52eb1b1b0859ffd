import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/domain/errors.js';
import { BUNDLED_POLICIES, bundledPolicies, policyRegistry } from '../../functions/domain/policies.js';
import {
  cureThresholdMinor,
  isHumanStage,
  loadPolicy,
  nextStage,
  stageById,
  stageLabel,
} from '../../functions/domain/policy.js';
import { POLICY, rawPolicy } from './fixtures.js';

/**
 * Policy validation: every message loadPolicy can fail with, each from one change to the default
 * policy, written out in full. The default stages are D-3, D+1, D+3, D+7 (call), D+15, D+28 (visit
 * notice), D+30 (visit), D+60, D+76 (credit notice), D+90 (credit report), D+91.
 */
type Json = Record<string, unknown>;
type Raw = Json & {
  stages: Json[];
  templates: Record<string, { version: number; locales: Record<string, Json> }>;
  plan: Json;
  fieldVisit: Json;
  cureThreshold: Record<string, string>;
};
const changed = (change: (raw: Raw) => void): unknown => {
  const raw = rawPolicy() as unknown as Raw;
  change(raw);
  return raw;
};
const stage = (raw: Raw, id: string): Json => {
  const found = raw.stages.find((s) => s.id === id);
  if (!found) throw new Error(`no stage ${id} in the default policy`);
  return found;
};
const DUE_DAY = {
  id: 'D+0',
  name: 'due day',
  offsetDays: 0,
  kind: 'NOTICE',
  channels: ['SMS'],
  template: 'pre-due',
};

/**
 * The default policy with an industry blacklist: a notice at D+77 (the credit-report notice's
 * template), the report at D+85, 8 days later; `notice: false` leaves the notice out, `section: false`
 * the policy's blacklist section.
 */
function addBlacklist(
  raw: Raw,
  {
    notice = true,
    section = true,
    noticeDays = 8,
    minBalance = { CNY: '1000.00' } as Record<string, string>,
  } = {},
): void {
  const at = raw.stages.findIndex((s) => s.id === 'D+90');
  const stages: Json[] = [
    { id: 'D+85', name: 'industry blacklist', offsetDays: 85, kind: 'BLACKLIST_REPORT' },
  ];
  if (notice)
    stages.unshift({
      id: 'D+77',
      name: 'blacklist notice',
      offsetDays: 77,
      kind: 'NOTICE',
      channels: ['EMAIL', 'LETTER'],
      template: 'credit-notice',
      noticeFor: 'BLACKLIST_REPORT',
    });
  raw.stages.splice(at, 0, ...stages);
  if (section) raw.blacklist = { registry: 'industry-shared', noticeDays, minDaysPastDue: 60, minBalance };
}

describe('loadPolicy: each rule, and the message that names the stage and the field', () => {
  it.each<[string, (raw: Raw) => void, string]>([
    [
      'a stage id twice',
      (r) => r.stages.splice(2, 0, { ...stage(r, 'D+1') }),
      'stage D+1: id: appears twice',
    ],
    [
      'an offset that is not the id',
      (r) => Object.assign(stage(r, 'D+3'), { offsetDays: 4 }),
      'stage D+3: offsetDays: 4 does not match the id (D+4)',
    ],
    [
      'a negative offset that is not the id',
      (r) => Object.assign(stage(r, 'D-3'), { offsetDays: -2 }),
      'stage D-3: offsetDays: -2 does not match the id (D-2)',
    ],
    [
      'day 0 written D-0',
      (r) => r.stages.splice(1, 0, { ...DUE_DAY, id: 'D-0' }),
      'stage D-0: offsetDays: 0 does not match the id (D+0)',
    ],
    [
      'stages out of day order',
      (r) => r.stages.splice(1, 2, stage(r, 'D+3'), stage(r, 'D+1')),
      'stage D+1: offsetDays: stages must be in increasing day order',
    ],
    [
      'a notice without channels',
      (r) => Object.assign(stage(r, 'D+1'), { channels: [] }),
      'stage D+1: channels: a notice needs a channel',
    ],
    [
      'a notice by call',
      (r) => Object.assign(stage(r, 'D+1'), { channels: ['SMS', 'CALL'] }),
      'stage D+1: channels: a notice is SMS, EMAIL, LETTER or PREFERRED; calls and visits are their own stages',
    ],
    [
      'a notice by visit',
      (r) => Object.assign(stage(r, 'D+15'), { channels: ['VISIT'] }),
      'stage D+15: channels: a notice is SMS, EMAIL, LETTER or PREFERRED; calls and visits are their own stages',
    ],
    [
      'a template that does not exist',
      (r) => Object.assign(stage(r, 'D-3'), { template: 'nope' }),
      'stage D-3: template: "nope" is not in templates',
    ],
    [
      'a notice without a template',
      (r) => delete stage(r, 'D+1').template,
      'stage D+1: template: a notice needs a template',
    ],
    [
      'an SMS stage whose template has no zh-CN SMS',
      (r) => delete r.templates['first-overdue']?.locales['zh-CN']?.sms,
      'stage D+1: template: "first-overdue" has no sms in zh-CN for SMS',
    ],
    [
      'a PREFERRED stage whose template has no English e-mail body',
      (r) => delete r.templates['pre-due']?.locales.en?.emailBody,
      'stage D-3: template: "pre-due" has no emailBody in en for PREFERRED',
    ],
    [
      'a PREFERRED stage whose template has no SMS in either language (English is named first)',
      (r) => {
        delete r.templates['pre-due']?.locales.en?.sms;
        delete r.templates['pre-due']?.locales['zh-CN']?.sms;
      },
      'stage D-3: template: "pre-due" has no sms in en for PREFERRED',
    ],
    [
      'a letter stage whose template has no letter',
      (r) => delete r.templates['formal-warning']?.locales.en?.letter,
      'stage D+15: template: "formal-warning" has no letter in en for LETTER',
    ],
    [
      'an e-mail stage whose template has no e-mail body',
      (r) => delete r.templates['formal-warning']?.locales['zh-CN']?.emailBody,
      'stage D+15: template: "formal-warning" has no emailBody in zh-CN for EMAIL',
    ],
    [
      'noticeFor on a stage that is not a notice',
      (r) => Object.assign(stage(r, 'D+7'), { noticeFor: 'FIELD_VISIT' }),
      'stage D+7: noticeFor: only a NOTICE stage gives notice',
    ],
    [
      'a field visit without a notice',
      (r) => delete stage(r, 'D+28').noticeFor,
      'stage D+30: kind: a field visit needs an earlier NOTICE stage with noticeFor FIELD_VISIT',
    ],
    [
      'a field visit whose only notice comes after it',
      (r) => {
        delete stage(r, 'D+28').noticeFor;
        Object.assign(stage(r, 'D+76'), { noticeFor: 'FIELD_VISIT' });
      },
      'stage D+30: kind: a field visit needs an earlier NOTICE stage with noticeFor FIELD_VISIT',
    ],
    [
      'a visit notice less than fieldVisit.noticeDays before the visit',
      (r) => Object.assign(r.fieldVisit, { noticeDays: 3 }),
      'stage D+30: offsetDays: the visit notice (D+28) must come 3 days before',
    ],
    [
      'credit reporting without a notice',
      (r) => delete stage(r, 'D+76').noticeFor,
      'stage D+90: kind: credit reporting needs an earlier NOTICE stage with noticeFor CREDIT_REPORT',
    ],
    [
      'a blacklist report without a notice',
      (r) => addBlacklist(r, { notice: false }),
      'stage D+85: kind: a blacklist report needs an earlier NOTICE stage with noticeFor BLACKLIST_REPORT',
    ],
    [
      'a blacklist notice less than blacklist.noticeDays before the report',
      (r) => addBlacklist(r, { noticeDays: 9 }),
      'stage D+85: offsetDays: the blacklist notice (D+77) must come 9 days before',
    ],
    [
      "a blacklist report without the policy's blacklist section",
      (r) => addBlacklist(r, { section: false }),
      "stage D+85: kind: a blacklist report needs the policy's blacklist section",
    ],
    [
      'a blacklist threshold in something that is not a currency',
      (r) => addBlacklist(r, { minBalance: { XYZ: '1000.00' } }),
      'blacklist.minBalance.XYZ: not an ISO 4217 currency',
    ],
    [
      'a blacklist threshold finer than its currency',
      (r) => addBlacklist(r, { minBalance: { CNY: '1000.005' } }),
      'blacklist.minBalance.CNY: amount "1000.005" has more than 2 decimal places for CNY',
    ],
    [
      'a plan follow-up template that does not exist',
      (r) => Object.assign(r.plan, { followUpTemplate: 'gone' }),
      'plan.followUpTemplate: "gone" is not in templates',
    ],
    [
      'a plan offer template that does not exist',
      (r) => Object.assign(r.plan, { offerTemplate: 'gone' }),
      'plan.offerTemplate: "gone" is not in templates',
    ],
    [
      'a cure threshold in no currency',
      (r) => Object.assign(r.cureThreshold, { XYZ: '1.00' }),
      'cureThreshold.XYZ: not an ISO 4217 currency',
    ],
    [
      'a cure threshold more precise than its currency',
      (r) => Object.assign(r.cureThreshold, { JPY: '1.5' }),
      'cureThreshold.JPY: amount "1.5" has more than 0 decimal places for JPY',
    ],
    [
      'a rule override that leaves the pack without a window',
      (r) => Object.assign(r, { ruleOverrides: { contactWindow: undefined } }),
      'ruleOverrides: rule pack CN override: contactWindow: Invalid input: expected object, received undefined',
    ],
  ])('%s', (_what, change, message) => {
    const load = () => loadPolicy(changed(change));
    expect(load).toThrow(ValidationError);
    expect(load).toThrow(`policy default: ${message}`);
  });

  it('the edges that pass: day 0 as D+0, a visit notice exactly noticeDays (2) before, a call without a template', () => {
    const policy = loadPolicy(
      changed((r) => {
        r.stages.splice(1, 0, DUE_DAY);
        delete stage(r, 'D+7').template;
      }),
    );
    expect(policy.stages.map((s) => s.id).slice(0, 3)).toEqual(['D-3', 'D+0', 'D+1']);
    expect(stageById(policy, 'D+7').template).toBeUndefined();
  });
});

describe('schema errors name the policy, the stage (or its position) and the field', () => {
  it.each<[string, unknown, string]>([
    [
      'an unknown channel',
      changed((r) => Object.assign(stage(r, 'D+1'), { channels: ['FAX'] })),
      'policy default: stage D+1: channels.0: ',
    ],
    [
      'a stage id that is not a string',
      changed((r) => Object.assign(stage(r, 'D+1'), { id: 5 })),
      'policy default: stage #2: id: ',
    ],
    [
      'a stage that is not an object',
      changed((r) => r.stages.splice(1, 1, null as unknown as Json)),
      'policy default: stage #2: (stage): ',
    ],
    ['no stages at all', changed((r) => r.stages.splice(0)), 'policy default: stages: '],
    [
      'a promise too far ahead',
      changed((r) => Object.assign(r, { promiseToPay: { graceDays: 2, maxDaysAhead: 91 } })),
      'policy default: promiseToPay.maxDaysAhead: ',
    ],
    ['not an object', 'x', 'policy (unnamed): (policy): '],
    ['an id that is not a string', { id: 5 }, 'policy (unnamed): id: '],
  ])('%s', (_what, raw, prefix) => {
    expect(() => loadPolicy(raw)).toThrow(prefix);
  });
});

describe('defaults and overrides', () => {
  it('a stage delivers to ALL channels unless it says otherwise; a stage without channels has none', () => {
    expect(stageById(POLICY, 'D+1').delivery).toBe('ALL');
    expect(stageById(POLICY, 'D+3').delivery).toBe('FIRST_OPEN');
    expect(stageById(POLICY, 'D+60').channels).toEqual([]);
    expect([POLICY.requireVerifiedContactPoints, POLICY.stageSpreadMinutes]).toEqual([false, 0]);
  });

  it('an override of a number becomes part of the recorded version', () => {
    const p = loadPolicy(changed((r) => Object.assign(r, { ruleOverrides: { creditReportNoticeDays: 3 } })));
    expect(p.rules).toEqual({ ...POLICY.rules, creditReportNoticeDays: 3, version: '2026.3+lender' });
    expect(POLICY.rules.version).toBe('2026.3');
  });
});

describe('stage helpers', () => {
  it('label, human stages, lookup, the next stage and cure thresholds', () => {
    expect(stageLabel(stageById(POLICY, 'D+7'))).toBe('D+7 agent call');
    expect(['D+7', 'D+30', 'D+28', 'D+90'].map((id) => isHumanStage(stageById(POLICY, id)))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(() => stageById(POLICY, 'D+99')).toThrow('policy default: no stage D+99');
    expect(nextStage(POLICY, 'D+1')?.id).toBe('D+3');
    expect(nextStage(POLICY, 'D+91')).toBeUndefined();
    expect(cureThresholdMinor(POLICY, 'CNY')).toBe(1000);
    expect(cureThresholdMinor(POLICY, 'INR')).toBe(10000);
    expect(cureThresholdMinor(POLICY, 'JPY')).toBe(0);
  });
});

describe('the policy registry', () => {
  const challenger = (id: string, experiment: Json) => ({ ...rawPolicy(), id, experiment });
  const plain = (id: string) => ({ ...rawPolicy(), id });
  const split = { split: 0.5, seed: 's' };

  it('the first policy is the default; every policy is kept; an unknown id is refused', () => {
    const registry = policyRegistry([plain('a'), plain('b')]);
    expect(registry.defaultId).toBe('a');
    expect(registry.all().map((p) => p.id)).toEqual(['a', 'b']);
    expect(registry.get('b').id).toBe('b');
    expect(() => registry.get('c')).toThrow('unknown policy "c"');
  });

  it('no policy at all is refused', () => {
    expect(() => policyRegistry([])).toThrow('no policy');
  });

  it("an experiment's challenger must exist and be a plain ladder, not itself", () => {
    expect(
      policyRegistry([challenger('a', { challenger: 'b', ...split }), plain('b')]).get('a').experiment,
    ).toEqual({ challenger: 'b', ...split });
    expect(() => policyRegistry([challenger('a', { challenger: 'b', ...split })])).toThrow(
      'policy a: experiment.challenger: no policy "b"',
    );
    expect(() =>
      policyRegistry([
        challenger('a', { challenger: 'b', ...split }),
        challenger('b', { challenger: 'a', ...split }),
      ]),
    ).toThrow('policy a: experiment.challenger: "b" must be a plain ladder');
    expect(() => policyRegistry([challenger('a', { challenger: 'a', ...split })])).toThrow(
      'policy a: experiment.challenger: "a" must be a plain ladder',
    );
  });

  it('the bundled policies: default first, validated once per process', () => {
    expect(BUNDLED_POLICIES).toHaveLength(5);
    expect(bundledPolicies()).toBe(bundledPolicies());
    expect(
      bundledPolicies()
        .all()
        .map((p) => p.id),
    ).toEqual(['default', 'early-call', 'credit-card', 'cash-loan', 'large-balance']);
    expect(bundledPolicies().defaultId).toBe('default');
  });
});
