import * as z from 'zod';
import { type Clock, isoUtc } from '../domain/clock.js';
import type { LinkClaims } from '../domain/links.js';
import { once } from '../domain/once.js';
import { NAMED_WINDOWS } from '../domain/preferences.js';
import { parseBody } from '../domain/request-body.js';
import type { EventResult } from '../events/core.js';
import { type ContactCorrectionDeps, contactCorrection } from './contact-correction.js';

/**
 * The borrower's own settings on the page, each the event the rest of the system takes from upstream:
 *   POST /api/borrower/preferences     {"window": "MORNING" | "AFTERNOON" | "EVENING" | "ANY"} and/or
 *                                      {"language": "en" | "zh-CN"}: BorrowerPreferencesChanged
 *   POST /api/borrower/opt-in          {"channel": "SMS" | "EMAIL" | "CALL"}: BorrowerOptedIn (a newer
 *                                      opt-out, such as a STOP sent after, still wins)
 *   POST /api/borrower/contact/change  {"channel": "SMS" | "EMAIL", "value": "..."}: a code to the new point
 *   POST /api/borrower/contact/verify  {"code": "123456"}: the right code replaces the old point
 */
export interface SettingsDeps {
  clock: Clock;
  events: (detailType: string, detail: unknown) => Promise<EventResult>;
  /** Without it (a function with no contacts grant) the contact routes answer 404. */
  correction?: ContactCorrectionDeps;
}

const PreferencesBody = once(() =>
  z
    .object({
      window: z.enum(['MORNING', 'AFTERNOON', 'EVENING', 'ANY']).optional(),
      language: z.enum(['en', 'zh-CN']).optional(),
    })
    .refine((b) => b.window !== undefined || b.language !== undefined, 'give window or language'),
);
/** A channel the borrower stops or resumes (opt-out, opt-in). */
export const ChannelBody = once(() => z.object({ channel: z.enum(['SMS', 'EMAIL', 'CALL']) }));

/** An event's result as an answer: applied, or 409 with the rule that refused it. */
export const answer = (result: EventResult) =>
  result.applied ? { status: 200, body: { applied: true } } : { status: 409, body: { error: result.note } };

/** The settings routes: an answer, or undefined for a path that is not one of them. */
export function settingsRoutes(deps: SettingsDeps) {
  const correction = deps.correction ? contactCorrection(deps.correction) : undefined;
  return async (claims: LinkClaims, method: string, path: string, body: string | null) => {
    if (method !== 'POST') return undefined;
    const at = isoUtc(deps.clock.now());
    const { borrowerId } = claims;
    switch (path) {
      case '/preferences': {
        const p = parseBody(PreferencesBody(), body);
        const contactWindow =
          p.window === undefined ? undefined : p.window === 'ANY' ? null : NAMED_WINDOWS[p.window];
        return answer(
          await deps.events('BorrowerPreferencesChanged', {
            borrowerId,
            ...(contactWindow !== undefined ? { contactWindow } : {}),
            ...(p.language ? { language: p.language } : {}),
            at,
          }),
        );
      }
      case '/opt-in': {
        const { channel } = parseBody(ChannelBody(), body);
        return answer(await deps.events('BorrowerOptedIn', { borrowerId, channel, at }));
      }
      case '/contact/change':
        return correction?.change(claims, body);
      case '/contact/verify':
        return correction?.verify(claims, body);
      default:
        return undefined;
    }
  };
}
