import * as z from 'zod';
import type { CaseStore } from '../adapters/case-store.js';
import type { EvidenceStore } from '../adapters/evidence-store.js';
import type { TaskStore } from '../adapters/task-store.js';
import type { TaskCallbacks } from '../adapters/workflow.js';
import { type Clock, isoUtc } from '../domain/clock.js';
import type { DisputeDocumentRef } from '../domain/dispute-document.js';
import { LinkRefusedError, ValidationError } from '../domain/errors.js';
import { LocalDate } from '../domain/events.js';
import { type LinkClaims, requireLoan, verifyLink } from '../domain/links.js';
import { once } from '../domain/once.js';
import type { PolicyRegistry } from '../domain/policies.js';
import { parseBody } from '../domain/request-body.js';
import type { MacKey } from '../domain/seal.js';
import type { EventResult } from '../events/core.js';
import type { ContactCorrectionDeps } from './contact-correction.js';
import { type PageLedgerDeps, pageActionOf, recordPageAction } from './page-ledger.js';
import { answer, ChannelBody, settingsRoutes } from './preferences.js';
import { DisputeBody, takeDisputeDocument } from './upload.js';
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
 *   POST /api/borrower/loans/{loanId}/dispute   {"reason": "NOT_MINE", "document"?: base64}: collection holds
 *   POST /api/borrower/loans/{loanId}/hardship  temporary inability to pay: escalation pauses
 *   POST /api/borrower/opt-out                  {"channel": "SMS" | "EMAIL" | "CALL"}
 *   POST /api/borrower/{preferences,opt-in,contact/change,contact/verify}: ./preferences.ts
 * A refused link is 403 with no reason; a refused action 409 naming the rule (PROMISE_TOO_FAR, ...), a
 * dispute's document 413 or 415. Every action on one of the link's loans, applied or refused, is a
 * PAGE record in the ledger (page-ledger.ts).
 */
export interface BorrowerApiDeps extends PageLedgerDeps {
  cases: Pick<CaseStore, 'borrowerView'>;
  tasks: Pick<TaskStore, 'get' | 'claim' | 'complete'>;
  callbacks: Pick<TaskCallbacks, 'succeed'>;
  clock: Clock;
  policies: PolicyRegistry;
  links: Pick<MacKey, 'verify'>;
  /** The events core (functions/events/core.ts): the same code every upstream event goes through. */
  events: (detailType: string, detail: unknown) => Promise<EventResult>;
  /** The evidence bucket: a dispute's document. */
  evidence: Pick<EvidenceStore, 'putObject'>;
  /** Correcting a phone number or e-mail address (./contact-correction.ts). */
  correction?: ContactCorrectionDeps;
}

export interface BorrowerRequest {
  method: string;
  /** From /api/borrower on. */
  path: string;
  authorization?: string | undefined;
  body: string | null;
  /** The page's Idempotency-Key, else the API's request id: one ledger record per action (page-ledger.ts). */
  requestId?: string | undefined;
}

export interface BorrowerResponse {
  status: number;
  body: unknown;
  /** Identifier-only facts for the action's ledger record (not sent to the page). */
  facts?: Record<string, string | number | boolean>;
}

const PromiseBody = once(() => z.object({ amount: z.string().max(20), date: LocalDate() }));
const PlanBody = once(() => z.object({ option: z.string().regex(/^(plan-\d{1,2}|settlement)$/) }));

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
        const p = parseBody(PromiseBody(), body);
        return answer(await deps.events('PromiseToPayMade', { loanId, amount: p.amount, date: p.date, at }));
      }
      case 'plan': {
        const { option } = parseBody(PlanBody(), body);
        const offered = (await view(claims)).loans.find((l) => l.loanId === loanId)?.options.plans;
        const chosen = offered?.find((o) => o.id === option);
        if (!chosen) return { status: 409, body: { error: 'OPTION_NOT_OFFERED' }, facts: { option } };
        const accepted = await deps.events('RepaymentPlanAccepted', {
          loanId,
          instalments: chosen.instalments,
          at,
        });
        return { ...answer(accepted), facts: { option } };
      }
      case 'sign':
        return sign(claims, loanId);
      case 'dispute': {
        const { reason, document } = parseBody(DisputeBody(), body);
        let ref: DisputeDocumentRef | undefined;
        if (document !== undefined) {
          const loan = (await view(claims)).loans.find((l) => l.loanId === loanId);
          const taken = await takeDisputeDocument(deps.evidence, loan, document);
          if ('refused' in taken) return { ...taken.refused, facts: { reason } };
          ref = taken.ref;
        }
        const opened = { loanId, reason, ...(ref ? { document: ref } : {}), at };
        const facts = { reason, ...(ref ? { documentKey: ref.key, documentSha256: ref.sha256 } : {}) };
        return { ...answer(await deps.events('DisputeOpened', opened)), facts };
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
      const { channel } = parseBody(ChannelBody(), req.body);
      const at = isoUtc(deps.clock.now());
      const out = await deps.events('BorrowerOptedOut', { borrowerId: claims.borrowerId, channel, at });
      return { ...answer(out), facts: { channel } };
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

  async function respond(claims: LinkClaims, req: BorrowerRequest): Promise<BorrowerResponse> {
    try {
      return await route(claims, req);
    } catch (error) {
      if (error instanceof LinkRefusedError) return { status: 403, body: { error: 'link refused' } };
      if (error instanceof ValidationError) return { status: 400, body: { error: error.message } };
      throw error;
    }
  }

  return async function borrowerApi(req: BorrowerRequest): Promise<BorrowerResponse> {
    let claims: LinkClaims;
    try {
      const token = /^Bearer ([A-Za-z0-9._-]{1,800})$/.exec(req.authorization ?? '')?.[1] ?? '';
      claims = await verifyLink(deps.links, token, deps.clock.now());
    } catch (error) {
      if (error instanceof LinkRefusedError) return { status: 403, body: { error: 'link refused' } };
      throw error;
    }
    const response = await respond(claims, req);
    // An action on the link's own loans is recorded, applied or refused (403 and 404: nothing was acted on).
    const action = pageActionOf(claims, req.method, req.path);
    if (action && response.status !== 403 && response.status !== 404) {
      const error = (response.body as { error?: unknown } | null)?.error;
      await recordPageAction(deps, {
        ...action,
        claims,
        requestId: req.requestId ?? `t${deps.clock.now()}`,
        status: response.status,
        ...(response.status === 400
          ? { rule: 'BAD_REQUEST' }
          : typeof error === 'string'
            ? { rule: error }
            : {}),
        ...(response.facts ? { facts: response.facts } : {}),
      });
    }
    // The facts are for the ledger record only: the page gets the status and the body.
    return { status: response.status, body: response.body };
  };
}
