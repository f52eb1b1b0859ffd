import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../functions/domain/policy.js';
import { RULE_PACKS } from '../../functions/domain/rulepacks.js';
import { POLICY, rawPolicy } from './fixtures.js';

/**
 * The policy schema's formats and bounds at their edges, one field changed at a time on the default
 * policy: the value just inside is accepted, the one just outside is refused with a message naming
 * the field. A format is checked at both ends (a value valid but for a prefix or a suffix).
 *
 * Survivors judged equivalent (policy.ts): `stage.offsetDays <= previous` mutated to `<` (two stages
 * on one day would share an id, refused first as "appears twice"); `s.offsetDays < stage.offsetDays`
 * mutated to `<=` (the only stage on the same day is the stage itself, and a stage other than a NOTICE
 * with noticeFor is refused first); `if (stage.template)` before checkTemplateCoversChannels mutated
 * to true, and in it `if (!template) return` mutated to false and `stage.template ?? ''` to another
 * fallback (without a template it finds none and returns; it is otherwise called only for a stage
 * whose template exists); in describeIssue, `head === 'stages'` mutated to true and `stages?.[index]`
 * without `?.` (stages is the policy's only array, and an issue inside it means it is one).
 */
type Json = Record<string, unknown>;
const withField = (path: string, value: unknown): unknown => {
  const raw = rawPolicy() as unknown as Json;
  const keys = path.split('.');
  const last = keys.pop() as string;
  let target: Json = raw;
  for (const key of keys) target = target[key] as Json;
  target[last] = value;
  return raw;
};
const STAGE_ID = 'stages.3.id';

describe('accepted at the edge', () => {
  it.each<[string, unknown]>([
    ['cureThreshold.CNY', '1'],
    ['cureThreshold.KWD', '0.001'],
    ['stageLocalTime', '23:30'],
    ['stageLocalTime', '20:00'],
    ['stageLocalTime', '00:00'],
    ['stageSpreadMinutes', 0],
    ['stageSpreadMinutes', 720],
    ['stages.1.delivery', 'ALL'],
    ['stages.3.name', 'agent call (2nd try), by phone - now'],
    ['stages.3.name', 'n'.repeat(50)],
    ['id', 'a'.repeat(40)],
    ['promiseToPay.maxDaysAhead', 90],
    ['promiseToPay.maxDaysAhead', 28],
    ['promiseToPay.graceDays', 0],
    ['plan.maxInstalments', 36],
    ['plan.signingExpiryDays', 30],
    ['humanTask.timeoutHours', 720],
    ['humanTask.timeoutHours', 1],
    ['rulePack', 'US'],
  ])('%s = %j', (path, value) => {
    expect(() => loadPolicy(withField(path, value))).not.toThrow();
  });

  it('a US policy gets the US pack', () => {
    expect(loadPolicy(withField('rulePack', 'US')).rules).toBe(RULE_PACKS.US);
  });

  it('the objects the schema keeps are kept whole', () => {
    expect([POLICY.humanTask, POLICY.fieldVisit, POLICY.promiseToPay]).toEqual([
      { timeoutHours: 72 },
      { noticeDays: 2 },
      { graceDays: 2, maxDaysAhead: 30 },
    ]);
  });

  it('an experiment is kept as given', () => {
    const experiment = { challenger: 'b'.repeat(40), split: 0.01, seed: 's'.repeat(40) };
    expect(loadPolicy(withField('experiment', experiment)).experiment).toEqual(experiment);
  });

  it('an override cannot rename the pack or set its version', () => {
    const rules = loadPolicy(
      withField('ruleOverrides', { id: 'US', version: 'mine', creditReportNoticeDays: 1 }),
    ).rules;
    expect([rules.id, rules.version, rules.creditReportNoticeDays]).toEqual(['CN', '2026.3+lender', 1]);
    // A version alone is no override at all: the pack is used as it is.
    expect(loadPolicy(withField('ruleOverrides', { version: 'mine' })).rules).toBe(RULE_PACKS.CN);
  });
});

describe('refused just outside, naming the field', () => {
  it.each<[string, unknown, string]>([
    ['cureThreshold.CNY', '1x', 'cureThreshold.CNY: must be a non-negative decimal string'],
    ['cureThreshold.CNY', 'x1', 'cureThreshold.CNY: must be a non-negative decimal string'],
    ['cureThreshold.CNY', '1.0001', 'cureThreshold.CNY: must be a non-negative decimal string'],
    ['stageLocalTime', '24:00', 'stageLocalTime: must be HH:MM'],
    ['stageLocalTime', '9:00', 'stageLocalTime: must be HH:MM'],
    ['stageLocalTime', '09:00x', 'stageLocalTime: must be HH:MM'],
    ['stageLocalTime', 'x09:00', 'stageLocalTime: must be HH:MM'],
    ['stageSpreadMinutes', 721, 'stageSpreadMinutes: '],
    ['stageSpreadMinutes', -1, 'stageSpreadMinutes: '],
    [STAGE_ID, 'D+7x', 'stage D+7x: id: must look like D-3 or D+15'],
    [STAGE_ID, 'xD+7', 'stage xD+7: id: must look like D-3 or D+15'],
    [STAGE_ID, 'D+1000', 'stage D+1000: id: must look like D-3 or D+15'],
    ['stages.3.name', 'call!', 'stage D+7: name: letters, digits, spaces and , ( ) - only'],
    ['stages.3.name', '!call', 'stage D+7: name: letters, digits, spaces and , ( ) - only'],
    ['stages.3.name', 'n'.repeat(51), 'stage D+7: name: '],
    ['stages.3.offsetDays', 366, 'stage D+7: offsetDays: '],
    ['stages.0.offsetDays', -31, 'stage D-3: offsetDays: '],
    ['stages.1.delivery', 'ANY', 'stage D+1: delivery: '],
    ['stages.1.channels', ['SMS', 'EMAIL', 'LETTER', 'PREFERRED', 'SMS'], 'stage D+1: channels: '],
    ['id', 'Default', 'policy Default: id: lower-case letters, digits and - only'],
    ['id', 'default!', 'policy default!: id: lower-case letters, digits and - only'],
    ['id', '!default', 'policy !default: id: lower-case letters, digits and - only'],
    ['id', 'a'.repeat(41), `policy ${'a'.repeat(41)}: id: `],
    ['version', 0, 'version: '],
    ['product', '', 'product: '],
    ['rulePack', 'EU', 'rulePack: '],
    ['paymentLinkBase', 'not a url', 'paymentLinkBase: '],
    ['promiseToPay.maxDaysAhead', 0, 'promiseToPay.maxDaysAhead: '],
    ['promiseToPay.graceDays', 15, 'promiseToPay.graceDays: '],
    ['plan.maxInstalments', 37, 'plan.maxInstalments: '],
    ['plan.signingExpiryDays', 31, 'plan.signingExpiryDays: '],
    ['humanTask.timeoutHours', 721, 'humanTask.timeoutHours: '],
    ['fieldVisit.noticeDays', 0, 'fieldVisit.noticeDays: '],
    ['experiment', { challenger: 'Early', split: 0.5, seed: 's' }, 'experiment.challenger: '],
    ['experiment', { challenger: 'b!', split: 0.5, seed: 's' }, 'experiment.challenger: '],
    ['experiment', { challenger: '!b', split: 0.5, seed: 's' }, 'experiment.challenger: '],
    ['experiment', { challenger: 'b'.repeat(41), split: 0.5, seed: 's' }, 'experiment.challenger: '],
    ['experiment', { challenger: 'b', split: 0, seed: 's' }, 'experiment.split: '],
    ['experiment', { challenger: 'b', split: 1, seed: 's' }, 'experiment.split: '],
    ['experiment', { challenger: 'b', split: 0.5, seed: '' }, 'experiment.seed: '],
    ['experiment', { challenger: 'b', split: 0.5, seed: 's'.repeat(41) }, 'experiment.seed: '],
    ['templates.pre-due.version', 0, 'templates.pre-due.version: '],
    ['templates.pre-due.locales.en.sms', 's'.repeat(481), 'templates.pre-due.locales.en.sms: '],
    [
      'templates.pre-due.locales.en.emailSubject',
      's'.repeat(201),
      'templates.pre-due.locales.en.emailSubject: ',
    ],
  ])('%s = %j: %s', (path, value, message) => {
    const prefix = message.startsWith('policy ') ? message : `policy default: ${message}`;
    expect(() => loadPolicy(withField(path, value))).toThrow(prefix);
  });

  it('null is not a policy', () => {
    expect(() => loadPolicy(null)).toThrow('policy (unnamed): (policy): ');
  });
});
