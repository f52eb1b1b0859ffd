import * as z from 'zod';
import type { CaseStore } from '../adapters/case-store.js';
import type { TaskStore } from '../adapters/task-store.js';
import type { TaskCallbacks } from '../adapters/workflow.js';
import { type Clock, isoUtc } from '../domain/clock.js';
import { LinkRefusedError, ValidationError } from '../domain/errors.js';
import { DisputeReason, describeZodError, LocalDate } from '../domain/events.js';
import { type LinkClaims, requireLoan, verifyLink } from '../domain/links.js';
import type { PolicyRegistry } from '../domain/policies.js';
import type { MacKey } from '../domain/seal.js';
import type { EventResult } from '../events/core.js';
import type { ContactCorrectionDeps } from './contact-correction.js';
import { settingsRoutes } from './preferences.js';
import { type PageView, pageView } from './view.js';

/**
 * The borrower page's API: every request carries the link's token (`Authorization: Bearer`), which
 * decides whose loans it may read and act on. Each action is the same event the rest of the system
 * takes from upstream (PromiseToPayMade, RepaymentPlanAccepted, DisputeOpened, HardshipReported,
 * BorrowerOptedOut), applied by the events core, or the completion of the plan-signing task:
 *   GET  /api/borrower                          the link's loans: owed now and why, status, options
 *   POST /api/borrower/loans/{loanId}/promise   {"amount": "100.00", "date": "2026-12-10"}
 *   POST /api/borrower/loans/{loanId}/plan      {"option": "plan-3"} (an option the view offers)
 *   POST /api/borrower/loans/{loanId}/sign      click-to-sign the proposed plan's agreement
 *   POST /api/borrower/loans/{loanId}/dispute   {"reason": "NOT_MINE"}: the debt is contested, collection holds
 *   POST /api/borrower/loans/{loanId}/hardship  temporary inability to pay: escalation pauses
 *   POST /api/borrower/opt-out                  {"channel": "SMS" | "EMAIL" | "CALL"}
 *   POST /api/borrower/{preferences,opt-in,contact/change,contact/verify}: ./preferences.ts
 * A refused link is 403 with no reason; a refused action 409 naming the rule (PROMISE_TOO_FAR, ...).
 */
export interface BorrowerApiDeps {
  cases: Pick<CaseStore, 'borrowerView'>;
  tasks: Pick<TaskStore, 'get' | 'claim' | 'complete'>;
  callbacks: Pick<TaskCallbacks, 'succeed'>;
  clock: Clock;
  policies: PolicyRegistry;
  links: Pick<MacKey, 'verify'>;
  /** The events core (functions/events/core.ts): the same code every upstream event goes through. */
  events: (detailType: string, detail: unknown) => Promise<EventResult>;
  /** Correcting a phone number or e-mail address (./contact-correction.ts). */
  correction?: ContactCorrectionDeps;
}

export interface BorrowerRequest {
  method: string;
  /** From /api/borrower on. */
  path: string;
  authorization?: string | undefined;
  body: string | null;
}

export interface BorrowerResponse {
  status: number;
  body: unknown;
}

const PromiseBody = z.object({ amount: z.string().max(20), date: LocalDate });
const PlanBody = z.object({ option: z.string().regex(/^(plan-\d{1,2}|settlement)$/) });
const OptOutBody = z.object({ channel: z.enum(['SMS', 'EMAIL', 'CALL']) });
const DisputeBody = z.object({ reason: DisputeReason });

function parse<T>(schema: z.ZodType<T>, body: string | null): T {
  let json: unknown;
  try {
    json = JSON.parse(body || '{}');
  } catch {
    throw new ValidationError('body is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ValidationError(describeZodError(parsed.error));
  return parsed.data;
}

/** An event's result as an answer: applied, or 409 with the rule that refused it. */
const answer = (result: EventResult): BorrowerResponse =>
  result.applied ? { status: 200, body: { applied: true } } : { status: 409, body: { error: result.note } };

export function createBorrowerApiCore(deps: BorrowerApiDeps) {
  const settings = settingsRoutes(deps);
  const view = async (claims: LinkClaims): Promise<PageView> =>
    pageView(await deps.cases.borrowerView(claims.borrowerId), claims, deps.policies, deps.clock.now());

  async function sign(claims: LinkClaims, loanId: string): Promise<BorrowerResponse> {
    const loan = (await view(claims)).loans.find((l) => l.loanId === loanId);
    const kase = (await deps.cases.borrowerView(claims.borrowerId)).cases
      .map((c) => c.item)
      .filter((c) => c.loanId === loanId)
      .sort((a, b) => b.cycle - a.cycle)[0];
    const taskId = kase?.openTask?.queue === 'plan-signing' ? kase.openTask.taskId : undefined;
    if (loan?.hold !== 'PLAN_TO_SIGN' || !taskId) return { status: 409, body: { error: 'NOTHING_TO_SIGN' } };
    const task = await deps.tasks.get(taskId);
    if (!task?.token || task.status !== 'OPEN' || task.borrowerId !== claims.borrowerId)
      return { status: 409, body: { error: 'NOTHING_TO_SIGN' } };
    // The borrower signs as the link: the task records it as completed by link:<linkId>, at this time.
    const signer = `link:${claims.linkId}`;
    const at = isoUtc(deps.clock.now());
    await deps.tasks.claim(taskId, signer, at);
    // A plan-signing task covers no other loan (one voice covers calls and visits), so nothing waits on it.
    await deps.tasks.complete(taskId, signer, at, 'SIGNED');
    await deps.callbacks.succeed(task.token, {
      outcome: 'SIGNED',
      taskId,
      signedVia: claims.linkId,
      signedAt: at,
    });
    return { status: 200, body: { signed: true, at } };
  }

  async function act(claims: LinkClaims, loanId: string, action: string, body: string | null) {
    const at = isoUtc(deps.clock.now());
    switch (action) {
      case 'promise': {
        const p = parse(PromiseBody, body);
        return answer(await deps.events('PromiseToPayMade', { loanId, amount: p.amount, date: p.date, at }));
      }
      case 'plan': {
        const { option } = parse(PlanBody, body);
        const offered = (await view(claims)).loans.find((l) => l.loanId === loanId)?.options.plans;
        const chosen = offered?.find((o) => o.id === option);
        if (!chosen) return { status: 409, body: { error: 'OPTION_NOT_OFFERED' } };
        return answer(
          await deps.events('RepaymentPlanAccepted', { loanId, instalments: chosen.instalments, at }),
        );
      }
      case 'sign':
        return sign(claims, loanId);
      case 'dispute': {
        const { reason } = parse(DisputeBody, body);
        return answer(await deps.events('DisputeOpened', { loanId, reason, at }));
      }
      case 'hardship':
        return answer(await deps.events('HardshipReported', { loanId, at }));
      default:
        return { status: 404, body: { error: 'not found' } };
    }
  }

  async function route(claims: LinkClaims, req: BorrowerRequest): Promise<BorrowerResponse> {
    if (req.method === 'GET' && (req.path === '' || req.path === '/'))
      return { status: 200, body: await view(claims) };
    if (req.method === 'POST' && req.path === '/opt-out') {
      const { channel } = parse(OptOutBody, req.body);
      const at = isoUtc(deps.clock.now());
      return answer(await deps.events('BorrowerOptedOut', { borrowerId: claims.borrowerId, channel, at }));
    }
    const set = await settings(claims, req.method, req.path, req.body);
    if (set) return set;
    const loanAction = /^\/loans\/([^/]+)\/([a-z-]+)$/.exec(req.path);
    if (req.method === 'POST' && loanAction?.[1] && loanAction[2]) {
      const loanId = requireLoan(claims, decodeURIComponent(loanAction[1]));
      return act(claims, loanId, loanAction[2], req.body);
    }
    return { status: 404, body: { error: 'not found' } };
  }

  return async function borrowerApi(req: BorrowerRequest): Promise<BorrowerResponse> {
    try {
      const token = /^Bearer ([A-Za-z0-9._-]{1,800})$/.exec(req.authorization ?? '')?.[1] ?? '';
      const claims = await verifyLink(deps.links, token, deps.clock.now());
      return await route(claims, req);
    } catch (error) {
      if (error instanceof LinkRefusedError) return { status: 403, body: { error: 'link refused' } };
      if (error instanceof ValidationError) return { status: 400, body: { error: error.message } };
      throw error;
    }
  };
}
