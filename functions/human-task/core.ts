import * as z from 'zod';
import type { CaseStore, LineCalls, Stored } from '../adapters/case-store.js';
import type { HumanTask, TaskStore } from '../adapters/task-store.js';
import type { TaskCallbacks } from '../adapters/workflow.js';
import { humanTaskId, withCall } from '../domain/calls.js';
import {
  type BorrowerProfile,
  balanceMinor,
  type CaseRecord,
  caseKey,
  daysPastDue,
  disputeOpen,
  type NoticeKind,
  pendingPromise,
} from '../domain/case.js';
import { type Clock, isoUtc } from '../domain/clock.js';
import {
  decideContacts,
  gate,
  noticeCountsFrom,
  noticeGate,
  preDueExpired,
  SKIPPED_LATE,
} from '../domain/decide.js';
import { CaseNotFoundError, ValidationError } from '../domain/errors.js';
import { activeHardship } from '../domain/hardship.js';
import { once } from '../domain/once.js';
import { coverLine } from '../domain/one-voice.js';
import { PLAN_CALL_STAGE } from '../domain/plan-monitor.js';
import type { PolicyRegistry } from '../domain/policies.js';
import { type LoadedPolicy, stageById } from '../domain/policy.js';
import { renderMessage } from '../domain/templates.js';
import { takeTaskSlot, waitOnCover } from './cover.js';

/**
 * Callback tasks (`.waitForTaskToken`): opening a human task in the work queue, and the dispute hold.
 * The execution waits until someone calls back with the token. When there is nothing to wait for
 * (the case was cured, a rule blocks the call, the dispute was already resolved) this function calls
 * back at once, so an execution never waits on a task nobody can see. The task opened is noted on the
 * case, so the events that stop or hold the ladder can withdraw it (functions/events/apply.ts).
 */
export interface HumanTaskDeps {
  cases: CaseStore;
  tasks: TaskStore;
  callbacks: TaskCallbacks;
  clock: Clock;
  policies: PolicyRegistry;
}

export const HumanTaskRequestSchema = once(() =>
  z.object({
    action: z.enum(['OPEN', 'OPEN_SIGNING', 'OPEN_PLAN_CALL', 'HOLD', 'PAUSE']),
    taskToken: z.string().min(1),
    loanId: z.string().min(1),
    borrowerId: z.string().min(1),
    cycle: z.number().int().min(1),
    policyId: z.string().min(1),
    stage: z.string().optional(),
    /** The ledger head's seq when the task state was entered: one task per entry, however often retried. */
    seq: z.number().int().min(0).optional(),
  }),
);
type Request = z.infer<ReturnType<typeof HumanTaskRequestSchema>>;

export interface Opened {
  taskId?: string;
  queue?: HumanTask['queue'];
  opened: boolean;
}

export interface Ctx {
  deps: HumanTaskDeps;
  req: Request;
  policy: LoadedPolicy;
  kase: Stored<CaseRecord>;
  /** The borrower's other cases (one voice: a call or visit may cover them). */
  others: CaseRecord[];
  profile: Stored<BorrowerProfile>;
  now: number;
}

/** The case with a notice counted by the policy's assumption (written with the task it lets open). */
function assumeNotice(kase: Stored<CaseRecord>, kind: NoticeKind, at: number): Stored<CaseRecord> {
  const item = structuredClone(kase.item);
  item.notices[kind] = isoUtc(at);
  item.noticeBasis = { ...item.noticeBasis, [kind]: 'ASSUMED' };
  return { ...kase, item };
}

/** The task id of this entry into the task state: a retried opening finds (and keeps) the same task. */
const taskIdOf = ({ req, now }: Ctx, stageId: string): string =>
  humanTaskId(caseKey(req.loanId, req.cycle), stageId, req.seq ?? now);

/** Opens a work item whose completion the execution waits for, and notes it on the case. */
async function open(
  ctx: Ctx,
  queue: HumanTask['queue'],
  stageId: string,
  cover?: { covers: CaseRecord[]; recordRef: string },
): Promise<Opened> {
  const { deps, req, kase, now } = ctx;
  const covering = cover && cover.covers.length > 0;
  const script = scriptOf(ctx, stageId).script;
  const line = covering ? coverLine(ctx.profile.item.locale, kase.item, cover.covers, 'TASK') : undefined;
  const task: HumanTask = {
    taskId: taskIdOf(ctx, stageId),
    queue,
    loanId: req.loanId,
    cycle: req.cycle,
    borrowerId: req.borrowerId,
    stage: stageId,
    openedAt: isoUtc(now),
    status: 'OPEN',
    token: req.taskToken,
    ...(script || line ? { script: [script, line].filter(Boolean).join(' ') } : {}),
    ...(cover ? { recordRef: cover.recordRef } : {}),
    ...(covering ? { covers: cover.covers.map((c) => c.loanId) } : {}),
  };
  // A retried opening (the function crashed or timed out after opening) finds its task open: the
  // agent keeps one task, now answering to this attempt's token.
  const { created } = await deps.tasks.open(task);
  if (!created) await deps.tasks.retoken(task.taskId, req.taskToken);
  const openTask = { taskId: task.taskId, queue };
  await deps.cases.saveCase({ ...kase.item, waitToken: req.taskToken, openTask }, kase.rev);
  return { taskId: task.taskId, queue, opened: true };
}

/**
 * The call script, rendered from the stage's template (callScript) in the borrower's language with the
 * amount owed now and the days past due, for the agent who takes the task. Without the borrower's name:
 * the tasks table is not under the contact key (the agent's own screen shows who to call).
 */
function scriptOf({ policy, kase, profile, now }: Ctx, stageId: string): { script?: string } {
  // Plan signing and specialist tasks are not stages of the policy: no script.
  const stage = policy.stages.find((s) => s.id === stageId);
  const text = stage?.template
    ? policy.templates[stage.template]?.locales[profile.item.locale]?.callScript
    : undefined;
  if (!stage?.template || !text) return {};
  const message = renderMessage(policy, policy.rules, stage.template, 'CALL', profile.item.locale, {
    name: '',
    amountMinor: balanceMinor(kase.item),
    currency: kase.item.currency,
    dueDate: kase.item.dueDate,
    daysPastDue: daysPastDue(kase.item, now, profile.item.timeZone),
    loanId: kase.item.loanId,
  });
  return { script: message.body };
}

async function notOpened(ctx: Ctx, decision?: { status: string; reason: string; until?: number }) {
  await ctx.deps.callbacks.succeed(ctx.req.taskToken, {
    outcome: 'NOT_OPENED',
    ...(decision ? { decision } : {}),
  });
  return { opened: false };
}

/** The dispute hold: the execution waits until the dispute is resolved (or the case closes). */
async function hold(ctx: Ctx): Promise<Opened> {
  const { deps, req, kase } = ctx;
  if (!disputeOpen(kase.item)) {
    await deps.callbacks.succeed(req.taskToken, { outcome: 'RESOLVED' });
    return { opened: false };
  }
  // Conditional on the revision read: a resolution written meanwhile makes this fail and retry.
  await deps.cases.saveCase({ ...kase.item, waitToken: req.taskToken }, kase.rev);
  return { opened: true };
}

/**
 * The hardship pause: the execution waits until the deadline (the state's TimeoutSecondsPath) or until
 * it is woken: an agent handled the borrower's reply, a plan or a promise came, the case closed
 * (functions/agent-api/conversation-outcome.ts, functions/events/apply.ts). Nothing to wait for (the
 * pause ended meanwhile): answered at once.
 */
async function pause(ctx: Ctx): Promise<Opened> {
  const { deps, req, kase, now } = ctx;
  const hardship = activeHardship(kase.item);
  if (!hardship || now >= Date.parse(hardship.until) || pendingPromise(kase.item)) {
    await deps.callbacks.succeed(req.taskToken, { outcome: 'RESOLVED' });
    return { opened: false };
  }
  // Conditional on the revision read: an agent's handling written meanwhile makes this fail and retry.
  await deps.cases.saveCase({ ...kase.item, waitToken: req.taskToken }, kase.rev);
  return { opened: true };
}

/**
 * An agent call or a field visit, when the gate, consent, the hours, the caps and any notice allow it.
 * The follow-up call of a missed plan instalment (stage PLAN) passes the same checks; the plan the
 * gate reports is what it follows up.
 */
async function openContact(ctx: Ctx): Promise<Opened> {
  const { deps, req, policy, kase, now } = ctx;
  const profile = ctx.profile.item;
  const planCall = req.action === 'OPEN_PLAN_CALL';
  const stage = planCall
    ? { id: PLAN_CALL_STAGE, kind: 'AGENT_CALL' as const, channels: ['CALL' as const] }
    : stageById(policy, req.stage ?? '');
  const g = gate(policy, kase.item, profile);
  if (g && !(planCall && g.outcome === 'PLAN')) return notOpened(ctx);
  // A pre-due call of a loan that came in after its due date is skipped, as a pre-due notice is.
  if (!planCall && 'offsetDays' in stage && preDueExpired(kase.item, profile, stage, now))
    return notOpened(ctx, { status: 'BLOCKED', reason: SKIPPED_LATE });
  const calls = stage.channels.includes('CALL');
  const line = calls && profile.lineId ? await deps.cases.lineCalls(profile.lineId) : undefined;
  const [decision] = decideContacts(policy.rules, stage.channels, 'ALL', profile, req.loanId, now, {
    ...policy,
    ...(line ? { lineCalls: line.item.calls } : {}),
  });
  if (decision && decision.status !== 'SEND') {
    const { status, reason = 'RULE', until } = decision;
    return notOpened(ctx, { status, reason, ...(until ? { until } : {}) });
  }
  const voice = planCall ? undefined : stage.kind === 'FIELD_VISIT' ? 'VISIT' : 'CALL';
  if (voice === 'CALL') {
    // One call a day for the borrower's loans: covered by another loan's call task, or take the slot.
    const covered = await waitOnCover(ctx, voice);
    if (covered) return covered;
    const cover = await takeTaskSlot(ctx, voice, taskIdOf(ctx, stage.id));
    await reserveCall(ctx, stage.id, line);
    return open(ctx, 'agent-calls', stage.id, cover);
  }
  if (stage.kind !== 'FIELD_VISIT') {
    await reserveCall(ctx, stage.id, line);
    return open(ctx, 'agent-calls', stage.id);
  }
  // Nobody visits without the advance notice, delivered, and not before its days have passed.
  const held = noticeGate('FIELD_VISIT', kase.item, policy.fieldVisit.noticeDays, now, policy);
  if (held) return notOpened(ctx, held);
  // A notice that counts by the policy's assumption is noted on the case, so the record says so.
  const counted = noticeCountsFrom(kase.item, 'FIELD_VISIT', policy, now);
  if (counted?.basis === 'ASSUMED' && !kase.item.notices.FIELD_VISIT)
    ctx.kase = assumeNotice(kase, 'FIELD_VISIT', counted.at);
  // One visit a day for the borrower's loans, as for calls.
  const covered = await waitOnCover(ctx, 'VISIT');
  if (covered) return covered;
  // A visit notice that counts only through another loan's covering message (its refs are ledger
  // records, <loanId>#<cycle>#<seq>) lets this loan's visit be covered, never made on its own: the
  // notice announced that loan's visit.
  const refs = kase.item.noticesSent?.FIELD_VISIT?.refs ?? [];
  if (refs.length > 0 && refs.every((r) => /#\d+#\d+$/.test(r)))
    return notOpened(ctx, { status: 'BLOCKED', reason: 'NO_FIELD_VISIT_NOTICE' });
  return open(ctx, 'field-visits', stage.id, await takeTaskSlot(ctx, 'VISIT', taskIdOf(ctx, stage.id)));
}

/**
 * Counts the call from the moment its task opens, in the borrower's log and the phone line's, each
 * written conditionally on what the decision read: call tasks opened at once (a borrower's loans, or
 * borrowers sharing a number) cannot all pass a cap; the loser retries and decides again. The entry
 * is pending until the agent records the outcome (functions/stage/steps/calls.ts).
 */
async function reserveCall(ctx: Ctx, stageId: string, line: Stored<LineCalls> | undefined): Promise<void> {
  const { deps, req, now } = ctx;
  const taskId = taskIdOf(ctx, stageId);
  const call = {
    at: isoUtc(now),
    loanId: req.loanId,
    connected: false,
    pending: true,
    borrowerId: req.borrowerId,
    taskId,
  };
  const p = ctx.profile.item;
  if (!p.calls.some((c) => c.taskId === taskId)) {
    await deps.cases.saveProfile({ ...p, calls: withCall(p.calls, call, now) }, ctx.profile.rev);
  }
  if (p.lineId && !line?.item.calls.some((c) => c.taskId === taskId)) {
    await deps.cases.saveLineCalls(
      { lineId: p.lineId, calls: withCall(line?.item.calls ?? [], call, now) },
      line?.rev,
    );
  }
}

export function createHumanTaskCore(deps: HumanTaskDeps) {
  return async function humanTaskCore(input: unknown): Promise<Opened> {
    const parsed = HumanTaskRequestSchema().safeParse(input);
    if (!parsed.success)
      throw new ValidationError(`bad task request: ${parsed.error.issues[0]?.path.join('.')}`);
    const req = parsed.data;
    const view = await deps.cases.borrowerView(req.borrowerId);
    const kase = view.cases.find((c) => c.item.loanId === req.loanId && c.item.cycle === req.cycle);
    if (!kase || !view.profile) throw new CaseNotFoundError(`no case ${caseKey(req.loanId, req.cycle)}`);
    const ctx: Ctx = {
      deps,
      req,
      policy: deps.policies.get(req.policyId),
      kase,
      others: view.cases.filter((c) => c !== kase).map((c) => c.item),
      profile: view.profile,
      now: deps.clock.now(),
    };
    if (req.action === 'HOLD') return hold(ctx);
    if (req.action === 'PAUSE') return pause(ctx);
    // The plan agreement goes to the borrower to sign (self-service or in branch) before it expires.
    if (req.action === 'OPEN_SIGNING')
      return kase.item.plan?.status === 'PROPOSED' ? open(ctx, 'plan-signing', 'PLAN') : notOpened(ctx);
    return openContact(ctx);
  };
}
