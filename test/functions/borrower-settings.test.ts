import { describe, expect, it } from 'vitest';
import { createBorrowerApiCore } from '../../functions/borrower-api/core.js';
import { signLink } from '../../functions/domain/links.js';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { hmacKey } from '../../functions/domain/seal.js';
import { fixedClock } from './fixtures.js';

/**
 * The settings routes of the borrower API as the events core receives them: each page choice becomes
 * the upstream event with the link's borrower, the clock's time and nothing else; refusals answer 409.
 */
const NOW = '2026-12-12T02:00:00.000Z';
const key = hmacKey(new Uint8Array(32).fill(3), 'test:link');
const received: Array<[string, unknown]> = [];
const core = createBorrowerApiCore({
  cases: { borrowerView: async () => ({ cases: [], profile: undefined, receipts: [] }) },
  tasks: {
    get: async () => undefined,
    claim: async () => undefined,
    complete: async () => undefined,
  } as never,
  callbacks: { succeed: async () => ({ delivered: true }) },
  clock: fixedClock(NOW),
  policies: bundledPolicies(),
  links: key,
  events: async (type, detail) => {
    received.push([type, detail]);
    return type === 'BorrowerOptedIn' ? { applied: false, note: 'OPTED_OUT_SINCE' } : { applied: true };
  },
});
const post = async (path: string, body: unknown) => {
  const token = await signLink(key, {
    borrowerId: 'B-9',
    loanIds: ['L-9'],
    expiresAt: Date.parse(NOW) / 1000 + 3600,
    linkId: 'settings',
  });
  received.length = 0;
  const out = await core({
    method: 'POST',
    path,
    authorization: `Bearer ${token}`,
    body: JSON.stringify(body),
  });
  return { out, events: [...received] };
};

describe('the borrower API: settings', () => {
  it('maps each named window to its hours, ANY to none, and a language as given', async () => {
    const at = NOW;
    for (const [window, contactWindow] of [
      ['MORNING', { start: '08:00', end: '12:00' }],
      ['AFTERNOON', { start: '12:00', end: '17:00' }],
      ['EVENING', { start: '17:00', end: '21:00' }],
      ['ANY', null],
    ] as const) {
      expect(await post('/preferences', { window })).toEqual({
        out: { status: 200, body: { applied: true } },
        events: [['BorrowerPreferencesChanged', { borrowerId: 'B-9', contactWindow, at }]],
      });
    }
    expect((await post('/preferences', { language: 'zh-CN' })).events).toEqual([
      ['BorrowerPreferencesChanged', { borrowerId: 'B-9', language: 'zh-CN', at }],
    ]);
  });

  it('refuses an empty choice, an unknown window or language with 400 naming the field, sending nothing', async () => {
    for (const body of [{}, { window: 'NIGHT' }, { language: 'fr' }]) {
      const { out, events } = await post('/preferences', body);
      expect(out.status).toBe(400);
      expect(events).toEqual([]);
    }
    expect((await post('/preferences', { window: 'NIGHT' })).out.body).toEqual({
      error: expect.stringMatching(/^window: /),
    });
  });

  it("opts back in as BorrowerOptedIn, and answers the events core's refusal with 409", async () => {
    expect(await post('/opt-in', { channel: 'SMS' })).toEqual({
      out: { status: 409, body: { error: 'OPTED_OUT_SINCE' } },
      events: [['BorrowerOptedIn', { borrowerId: 'B-9', channel: 'SMS', at: NOW }]],
    });
  });

  it('has no contact routes without the correction dependencies (404)', async () => {
    expect((await post('/contact/change', { channel: 'SMS', value: '+8613800000000' })).out.status).toBe(404);
  });
});
