import * as z from 'zod';
import type { CaseStore, Stored } from '../adapters/case-store.js';
import type { ContactStore } from '../adapters/contact-store.js';
import type { ConversationStore } from '../adapters/conversation-store.js';
import type { EvidenceStore } from '../adapters/evidence-store.js';
import type { LedgerStore } from '../adapters/ledger-store.js';
import type { LedgerWriter } from '../adapters/ledger-writer.js';
import type { Messaging } from '../adapters/messaging.js';
import type { EventPublisher, LadderContinuer } from '../adapters/workflow.js';
import { type BorrowerProfile, type CaseRecord, caseKey } from '../domain/case.js';
import type { Clock } from '../domain/clock.js';
import type { LedgerHead } from '../domain/decide.js';
import { CaseNotFoundError } from '../domain/errors.js';
import type { LedgerRecord, SendReceipt } from '../domain/ledger.js';
import type { LinkIssuer } from '../domain/links.js';
import { once } from '../domain/once.js';
import type { PolicyRegistry } from '../domain/policies.js';
import type { LoadedPolicy } from '../domain/policy.js';

/** What the stage executor reads, writes, sends and publishes with (AWS, or the local runtime's). */
export interface StageDeps {
  cases: CaseStore;
  contacts: ContactStore;
  /** Reads of the ledger (the stage may Query it, not write it). */
  ledger: Pick<LedgerStore, 'get' | 'list' | 'latest'>;
  /** Appends go through the ledger writer, which seals each record. */
  writer: LedgerWriter;
  messaging: Messaging;
  bus: EventPublisher;
  clock: Clock;
  policies: PolicyRegistry;
  evidence: Pick<EvidenceStore, 'put'>;
  /** Signs the {link} of every message: the borrower's page, for this borrower's loans only. */
  links?: LinkIssuer;
  /** Agents' notes and visit reports, read only for the evidence pack (steps/evidence-notes.ts). */
  conversations?: Pick<ConversationStore, 'get'>;
  /** Starts the execution a ladder continues in (steps/continue.ts). */
  continuer: LadderContinuer;
  /** Sees each ledger record once it is stored (the handler turns attempts into metrics). */
  observe?: (record: LedgerRecord) => void;
}

const StepSchema = once(() =>
  z.object({
    outcome: z.string(),
    stage: z.string(),
    wakeAt: z.string(),
    resumeStage: z.string(),
    ledger: z.object({ seq: z.number().int().nonnegative(), hash: z.string().length(64) }),
    continueAt: z.string().optional(),
  }),
);

export const HumanResultSchema = once(() =>
  z.object({
    outcome: z.enum([
      'NOT_OPENED',
      'REACHED',
      'PROMISE_TO_PAY',
      'HARDSHIP',
      'DISPUTE',
      'REFUSED',
      'NO_ANSWER',
      'WRONG_NUMBER',
      'PLAN_AGREED',
      'VISIT_REPORTED',
      'CASE_CLOSED',
      'WITHDRAWN',
      // One voice: another loan's call or visit task covered this stage, or was withdrawn (decide again).
      'COVERED',
      'UNCOVERED',
    ]),
    taskId: z.string().optional(),
    /** COVERED: the covering task's record (`<loanId>#<cycle>#<seq>`) and the outcome its agent recorded. */
    coveredBy: z.string().max(200).optional(),
    heard: z.string().max(32).optional(),
    /** A covering task's outcome: the borrower's other loans its call or visit covered. */
    covers: z.array(z.string()).max(50).optional(),
    /** Why the ladder withdrew the task or closed the case (OPTED_OUT_CALL, DISPUTE_OPENED, PAID, ...). */
    reason: z.string().max(64).optional(),
    decision: z
      .object({ status: z.enum(['BLOCKED', 'DEFERRED']), reason: z.string(), until: z.number().optional() })
      .optional(),
    promise: z.object({ amount: z.string(), date: z.string() }).optional(),
    plan: z
      .object({
        instalments: z.array(z.object({ amount: z.string(), date: z.string() })),
        approval: z.object({ approverId: z.string() }).optional(),
      })
      .optional(),
    report: z.string().max(500).optional(),
    /** The agent's notes or the visit's report: by id and SHA-256 (the text is under the contact key). */
    noteId: z.string().max(300).optional(),
    noteSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  }),
);
export type HumanResult = z.infer<ReturnType<typeof HumanResultSchema>>;

export const StageRequestSchema = once(() =>
  z.object({
    action: z.enum([
      'RECORD_SIGNATURE',
      'RUN_STAGE',
      'RECORD_HUMAN_OUTCOME',
      'CHECK_PROMISE',
      'CHECK_PLAN',
      'AFTER_HOLD',
      'RECORD_PLAN_CALL',
      'RECORD_FAILURE',
      'CONTINUE',
    ]),
    loanId: z.string().min(1),
    borrowerId: z.string().min(1),
    cycle: z.number().int().min(1),
    policyId: z.string().min(1),
    stage: z.string().optional(),
    step: StepSchema(),
    /** A human task's result, or the Catch's {Error, Cause} when it timed out. */
    taskResult: z.unknown().optional(),
    /** `$$.State.RetryCount`: above 0, an earlier attempt of this step may have written its record. */
    retryCount: z.number().int().min(0).optional(),
    /** `$$.Execution.StartTime`: a wait that would end past the year continues in a fresh execution. */
    startedAt: z.iso.datetime({ offset: true }).optional(),
    /** `$$.Execution.Id`, given to the CONTINUE step: the execution it continues. */
    execution: z.string().startsWith('arn:').optional(),
    error: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
  }),
);
export type StageRequest = z.infer<ReturnType<typeof StageRequestSchema>>;

/** What an earlier attempt of this step did: sent (a receipt) or also recorded (the ledger record). */
export interface Prior extends Omit<SendReceipt, 'loanId' | 'cycle'> {
  recorded?: LedgerRecord;
  receipt: boolean;
}

/** One step's view of the case, read once at its start and kept current by its own writes. */
export interface Ctx {
  /** The ledger head: where the next record chains on (advanced by each record written). */
  head: LedgerHead;
  req: StageRequest;
  policy: LoadedPolicy;
  profile: Stored<BorrowerProfile>;
  kase: Stored<CaseRecord>;
  /** The borrower's other cases, from the same Query (one voice per borrower reads them). */
  others: CaseRecord[];
  now: number;
  prior?: Prior;
  deps: StageDeps;
}

/** Reads the case as of now (one Query) and what an earlier attempt of this step left behind. */
export async function load(deps: StageDeps, req: StageRequest): Promise<Ctx> {
  const policy = deps.policies.get(req.policyId);
  const view = await deps.cases.borrowerView(req.borrowerId);
  const kase = view.cases.find((c) => c.item.loanId === req.loanId && c.item.cycle === req.cycle);
  if (!kase || !view.profile) throw new CaseNotFoundError(`no case ${caseKey(req.loanId, req.cycle)}`);
  const seq = req.step.ledger.seq + 1;
  const receipt = view.receipts.find(
    (r) => r.loanId === req.loanId && r.cycle === req.cycle && r.seq === seq,
  );
  let prior: Prior | undefined = receipt ? { ...receipt, receipt: true } : undefined;
  // A receipt is kept after its record is written (one per loan cycle, overwritten by the next): an
  // attempt that wrote the record then died leaves both, and the record is what this step did.
  if (receipt || (req.retryCount ?? 0) > 0) {
    const recorded = await deps.ledger.get(caseKey(req.loanId, req.cycle), seq);
    if (recorded?.prevHash === req.step.ledger.hash) prior = { ...recorded, recorded, receipt: false };
  }
  // A replay runs as of the earlier attempt's time: the same decisions, waits and timestamps. The
  // failure recorder is not a replay: it records the receipt (if any), then the failure, as of now.
  const now = prior && req.action !== 'RECORD_FAILURE' ? Date.parse(prior.at) : deps.clock.now();
  return {
    req,
    policy,
    profile: view.profile,
    kase,
    others: view.cases.filter((c) => c !== kase).map((c) => c.item),
    now,
    head: req.step.ledger,
    ...(prior ? { prior } : {}),
    deps,
  };
}

/** Writes the case changed by `mutate` (conditional on the revision read) and keeps ctx current. */
export async function update(ctx: Ctx, mutate: (c: CaseRecord) => void): Promise<void> {
  const c = structuredClone(ctx.kase.item);
  mutate(c);
  const rev = await ctx.deps.cases.saveCase(c, ctx.kase.rev);
  ctx.kase = { item: c, rev };
}
