import type * as z from 'zod';
import { advanceNoticeProblem } from './advance-notice.js';
import { blacklistProblems } from './blacklist.js';
import { ValidationError } from './errors.js';
import { isCurrency, toMinor } from './money.js';
import { balanceProblems, producedCharges, settlementProblems } from './policy-money.js';
import {
  type Channel,
  HUMAN_STAGE_KINDS,
  type LadderPolicy,
  LOCALES,
  type MessageTemplate,
  PolicySchema,
  type PolicyVersion,
  type Stage,
  type Template,
} from './policy-schema.js';
import { type RulePack, resolveRulePack } from './rulepacks.js';
import { templateProblems } from './template-claims.js';

/** The policy format (its zod schema, the stage kinds, channels and locales) is in policy-schema.ts. */
export * from './policy-schema.js';

/** "default v1", or "default sha256:<64 hex>" for a content-hash version. */
export const policyLabel = (id: string, version: PolicyVersion): string =>
  typeof version === 'number' ? `${id} v${version}` : `${id} ${version}`;

export interface LoadedPolicy extends LadderPolicy {
  rules: RulePack;
}

const describeIssue = (raw: unknown, issue: z.core.$ZodIssue): string => {
  const [head, index, ...rest] = issue.path;
  if (head === 'stages' && typeof index === 'number') {
    const stage = (raw as { stages?: Array<{ id?: unknown }> }).stages?.[index];
    const label = typeof stage?.id === 'string' ? stage.id : `#${index + 1}`;
    return `stage ${label}: ${rest.join('.') || '(stage)'}: ${issue.message}`;
  }
  return `${issue.path.join('.') || '(policy)'}: ${issue.message}`;
};

/** Validates a policy; throws ValidationError naming the policy, stage and field. */
export function loadPolicy(raw: unknown): LoadedPolicy {
  const parsed = PolicySchema().safeParse(raw);
  const name = (raw as { id?: unknown })?.id;
  const where = `policy ${typeof name === 'string' ? name : '(unnamed)'}`;
  if (!parsed.success) {
    throw new ValidationError(`${where}: ${describeIssue(raw, parsed.error.issues[0] as z.core.$ZodIssue)}`);
  }
  const policy = parsed.data;
  const fail = (msg: string): never => {
    throw new ValidationError(`${where}: ${msg}`);
  };

  const seen = new Set<string>();
  let previous = Number.NEGATIVE_INFINITY;
  for (const stage of policy.stages) {
    const at = `stage ${stage.id}`;
    if (seen.has(stage.id)) fail(`${at}: id: appears twice`);
    seen.add(stage.id);
    const expected = `D${stage.offsetDays < 0 ? '-' : '+'}${Math.abs(stage.offsetDays)}`;
    if (expected !== stage.id)
      fail(`${at}: offsetDays: ${stage.offsetDays} does not match the id (${expected})`);
    if (stage.offsetDays <= previous) fail(`${at}: offsetDays: stages must be in increasing day order`);
    previous = stage.offsetDays;
    const message = stage.kind === 'NOTICE' || stage.kind === 'SETTLEMENT_OFFER';
    if (message && stage.channels.length === 0) fail(`${at}: channels: a notice needs a channel`);
    if (message && stage.channels.some((c) => c === 'CALL' || c === 'VISIT')) {
      fail(
        `${at}: channels: a notice is SMS, EMAIL, LETTER or PREFERRED; calls and visits are their own stages`,
      );
    }
    if (stage.template !== undefined && !policy.templates[stage.template]) {
      fail(`${at}: template: "${stage.template}" is not in templates`);
    }
    if (message && stage.template === undefined) fail(`${at}: template: a notice needs a template`);
    if (stage.kind === 'SETTLEMENT_OFFER' && policy.settlement.offers.length === 0)
      fail(`${at}: kind: a settlement offer needs settlement.offers`);
    if (stage.template) checkTemplateCoversChannels(policy, stage, fail);
    if (stage.noticeFor && stage.kind !== 'NOTICE')
      fail(`${at}: noticeFor: only a NOTICE stage gives notice`);
    const notice = advanceNoticeProblem(policy, stage);
    if (notice) fail(notice);
  }
  for (const stage of policy.stages) {
    if (stage.template && !stage.noticeFor && usesNoticeDays(policy.templates[stage.template]))
      fail(
        `stage ${stage.id}: template: "${stage.template}" says {noticeDays}, which only a notice with noticeFor has`,
      );
  }
  for (const field of ['followUpTemplate', 'offerTemplate', 'reminderTemplate'] as const) {
    const id = policy.plan[field];
    if (id !== undefined && !policy.templates[id]) fail(`plan.${field}: "${id}" is not in templates`);
  }
  if (policy.plan.reminderDaysBefore > 0 && !policy.plan.reminderTemplate)
    fail('plan.reminderTemplate: needed when plan.reminderDaysBefore is above 0');
  for (const [currency, amount] of Object.entries(policy.cureThreshold)) {
    if (!isCurrency(currency)) fail(`cureThreshold.${currency}: not an ISO 4217 currency`);
    try {
      toMinor(amount, currency);
    } catch (error) {
      fail(`cureThreshold.${currency}: ${(error as Error).message}`);
    }
  }
  let rules: RulePack;
  try {
    rules = resolveRulePack(policy.rulePack, policy.ruleOverrides);
  } catch (error) {
    return fail(`ruleOverrides: ${(error as Error).message}`);
  }
  const [problem] = [
    ...balanceProblems(policy.balance, rules),
    ...settlementProblems(policy.settlement),
    ...templateProblems(policy.templates, producedCharges(policy.balance)),
    ...blacklistProblems(policy),
  ];
  if (problem) fail(problem);
  return { ...policy, rules };
}

function checkTemplateCoversChannels(policy: LadderPolicy, stage: Stage, fail: (m: string) => never): void {
  const template = policy.templates[stage.template ?? ''];
  if (!template) return;
  const needs: Array<[Channel | 'PREFERRED', keyof MessageTemplate]> = [
    ['SMS', 'sms'],
    ['EMAIL', 'emailBody'],
    ['LETTER', 'letter'],
    ['PREFERRED', 'sms'],
    ['PREFERRED', 'emailBody'],
  ];
  for (const locale of LOCALES) {
    for (const [channel, field] of needs) {
      if (stage.channels.includes(channel) && !template.locales[locale][field]) {
        fail(`stage ${stage.id}: template: "${stage.template}" has no ${field} in ${locale} for ${channel}`);
      }
    }
  }
}

const usesNoticeDays = (template: Template | undefined): boolean =>
  JSON.stringify(template?.locales ?? {}).includes('{noticeDays}');

/** The operator-readable name of a stage, used as the state name in the console ("D+7 agent call"). */
export const stageLabel = (stage: Pick<Stage, 'id' | 'name'>): string => `${stage.id} ${stage.name}`;

export const isHumanStage = (stage: Stage): boolean => HUMAN_STAGE_KINDS.includes(stage.kind);

export function stageById(policy: LadderPolicy, id: string): Stage {
  const stage = policy.stages.find((s) => s.id === id);
  if (!stage) throw new ValidationError(`policy ${policy.id}: no stage ${id}`);
  return stage;
}

export function nextStage(policy: LadderPolicy, id: string): Stage | undefined {
  const index = policy.stages.findIndex((s) => s.id === id);
  return policy.stages[index + 1];
}

export function cureThresholdMinor(policy: LadderPolicy, currency: string): number {
  const threshold = policy.cureThreshold[currency];
  return threshold === undefined ? 0 : toMinor(threshold, currency);
}
