import type { ExecutionStarter } from '../functions/adapters/workflow.js';
import type { EventType } from '../functions/domain/events.js';
import { GENESIS_HASH } from '../functions/domain/ledger.js';
import type { PolicyRegistry } from '../functions/domain/policies.js';
import {
  DEFAULT_UPSTREAM_SOURCES,
  type EventSources,
  type EventTarget,
  sourcesFor,
  targetOf,
} from '../functions/domain/routes.js';
import { executionName } from '../functions/intake/core.js';
import { inLane, type VirtualClock } from './clock.js';
import type { Invoke } from './invoke.js';

/** What reaches the functions from outside: events as the EventBridge rules route them, SMS replies as SNS. */

export interface RouterDeps {
  invoke: Invoke;
  /** The request id the next invocation gets: an event delivered carries it as its id. */
  nextRequestId: () => number;
  clock: VirtualClock;
  starter: ExecutionStarter;
  policies: PolicyRegistry;
  /** No handler runs (LocalLadderOptions.noopHandlers): LoanDelinquent starts its execution directly. */
  noopHandlers?: boolean;
  /** Which sources may send which detail-type, as the stack's rules are configured (LadderProps.eventSources). */
  sources?: EventSources;
}

/** The function each rule target is locally. */
const FUNCTION_OF: Record<EventTarget, 'intake' | 'events' | 'erasure' | 'delivery'> = {
  intake: 'intake',
  events: 'events',
  erasure: 'erasure',
  delivery: 'delivery',
};

/** What EventBridge does with an event no rule matches: PutEvents succeeds, and nobody receives it. */
export const UNMATCHED = { routed: false, note: 'NO_RULE_MATCHED' } as const;

export function createRouter(deps: RouterDeps) {
  const { invoke, nextRequestId, clock, starter, policies } = deps;

  /** LoanDelinquent with no-op handlers: the execution starts at once, nothing is stored. */
  async function noopSend(detailType: string, detail: unknown) {
    if (detailType !== 'LoanDelinquent') return { applied: false };
    const d = detail as { loanId: string; cycle?: number; borrower: { borrowerId: string } };
    const cycle = d.cycle ?? 1;
    const input: Record<string, unknown> & { policyId: string } = {
      loanId: d.loanId,
      borrowerId: d.borrower.borrowerId,
      cycle,
      policyId: policies.defaultId,
      step: {
        outcome: 'NEXT',
        stage: '',
        wakeAt: new Date(clock.now()).toISOString(),
        resumeStage: '',
        ledger: { seq: 0, hash: GENESIS_HASH },
      },
    };
    return starter.start(executionName(d.loanId, cycle), input);
  }

  return {
    /**
     * Delivers an event as the EventBridge rules would (functions/domain/routes.ts): LoanDelinquent to
     * intake, BorrowerErasureRequested to erasure, the rest to events, and only from a source the rule
     * accepts; anything else is dropped, as the bus drops what no rule matches.
     */
    async send(
      detailType: string,
      detail: unknown,
      lane?: string,
      source = DEFAULT_UPSTREAM_SOURCES[0] as string,
    ): Promise<unknown> {
      if (deps.noopHandlers) return noopSend(detailType, detail);
      const target = targetOf(detailType);
      if (!target || !sourcesFor(detailType as EventType, deps.sources).includes(source)) return UNMATCHED;
      const deliver = () =>
        invoke(FUNCTION_OF[target], {
          version: '0',
          id: `local-${nextRequestId()}`,
          'detail-type': detailType,
          source,
          account: '123456789012',
          time: new Date(clock.now()).toISOString(),
          region: 'us-east-1',
          resources: [],
          detail,
        });
      return lane ? inLane(lane, deliver) : deliver();
    },
    /** A two-way SMS reply, delivered as the SNS topic would (AWS End User Messaging SMS's JSON). */
    inboundSms(from: string, body: string, lane?: string, messageId?: string): Promise<{ optOuts: number }> {
      const deliver = () =>
        invoke<{ optOuts: number }>('inboundSms', {
          Records: [
            {
              EventSource: 'aws:sns',
              Sns: {
                Type: 'Notification',
                MessageId: `local-${nextRequestId()}`,
                Timestamp: new Date(clock.now()).toISOString(),
                Message: JSON.stringify({
                  originationNumber: from,
                  messageBody: body,
                  ...(messageId ? { inboundMessageId: messageId } : {}),
                }),
              },
            },
          ],
        });
      return lane ? inLane(lane, deliver) : deliver();
    },
    /**
     * An e-mail reply, delivered as an SES receipt rule's SNS action would: a "Received" notification
     * carrying the raw message (UTF-8 text, base64 body, the subject encoded as RFC 2047 asks).
     */
    inboundEmail(mail: { from: string; subject: string; body: string; messageId?: string }, lane?: string) {
      const messageId = mail.messageId ?? `local-${nextRequestId()}`;
      const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
      const content = [
        `From: ${mail.from}`,
        'To: replies@ladder.local',
        `Subject: =?UTF-8?B?${b64(mail.subject)}?=`,
        `Message-ID: <${messageId}@ladder.local>`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: base64',
        '',
        b64(mail.body),
      ].join('\r\n');
      const notification = { notificationType: 'Received', mail: { messageId }, content };
      const deliver = () =>
        invoke<{ optOuts: number; items: number }>('inboundSms', {
          Records: [
            {
              EventSource: 'aws:sns',
              Sns: {
                Type: 'Notification',
                MessageId: `local-${nextRequestId()}`,
                Timestamp: new Date(clock.now()).toISOString(),
                Message: JSON.stringify(notification),
              },
            },
          ],
        });
      return lane ? inLane(lane, deliver) : deliver();
    },
  };
}
