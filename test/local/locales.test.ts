import { beforeAll, describe, expect, it } from 'vitest';
import type { ProfileChange } from '../../functions/domain/case.js';
import { parseScenario } from '../../local/scenario.js';
import type { OutboxEntry } from '../../local/services/sms-sink.js';
import { simulate } from '../../local/simulate.js';
import { borrower } from '../borrower.js';

/**
 * Borrowers whose upstream system sends BCP 47 tags are accepted through the real local runtime
 * (intake, the stage function, the SNS sink) and get the templates of their language; a language no
 * template speaks gets the policy's default (en) with the reason recorded on the profile.
 */
const TAGS = ['en-US', 'en-GB', 'en-IN', 'en-NZ', 'zh-Hans-CN', 'fr-FR'] as const;
const phoneOf = (i: number) => `+8613900000${String(i).padStart(3, '0')}`;

const scenario = {
  seed: 1,
  loans: TAGS.map((locale, i) => ({
    loanId: `L-${locale}`,
    amountDue: '3000.00',
    currency: 'CNY',
    dueDate: '2026-12-10',
    borrower: { ...borrower, borrowerId: `B-${locale}`, phone: phoneOf(i), locale, preferredChannel: 'SMS' },
    // Paid on the due date: the D-3 reminder is the one message each borrower gets.
    events: [{ type: 'payment', amount: '3000.00', at: '2026-12-10T10:00:00+08:00' }],
  })),
};

let sms: OutboxEntry[] = [];
const changes = new Map<string, ProfileChange[]>();
let statuses: Record<string, string> = {};

beforeAll(async () => {
  const result = await simulate(parseScenario(structuredClone(scenario)), {
    onFinish: async (l) => {
      sms = l.services.sms.outbox();
      for (const tag of TAGS) {
        const view = await l.stores.cases().borrowerView(`B-${tag}`);
        changes.set(tag, view.profile?.item.changes ?? []);
      }
    },
  });
  statuses = Object.fromEntries(result.loans.map((l) => [l.loanId, l.finalStatus]));
});

const bodyFor = (tag: (typeof TAGS)[number]) =>
  sms.filter((m) => m.phoneNumber === phoneOf(TAGS.indexOf(tag))).map((m) => m.message);

describe('BCP 47 locales through the local runtime', () => {
  it('every borrower is accepted: each loan ran and was cured by its payment', () => {
    for (const tag of TAGS) expect(statuses[`L-${tag}`]).toBe('CURED');
  });

  it.each([['en-US'], ['en-GB'], ['en-IN'], ['en-NZ']] as const)('%s gets the English reminder', (tag) => {
    expect(bodyFor(tag)).toEqual([
      expect.stringMatching(/^Hi Wang Fang, your payment of CN¥3,000\.00 is due on Dec 10, 2026\./),
    ]);
  });

  it('zh-Hans-CN gets the Chinese reminder', () => {
    expect(bodyFor('zh-Hans-CN')).toEqual([
      expect.stringMatching(/^Wang Fang您好，您的借款¥3,000\.00将于2026年12月10日到期/),
    ]);
  });

  it('the resolution is recorded on the profile, and an unsupported language falls back with its reason', () => {
    expect(changes.get('en-GB')).toContainEqual(
      expect.objectContaining({ type: 'LOCALE', requested: 'en-GB', locale: 'en', how: 'MATCHED' }),
    );
    expect(changes.get('zh-Hans-CN')).toContainEqual(
      expect.objectContaining({ type: 'LOCALE', requested: 'zh-Hans-CN', locale: 'zh-CN', how: 'MATCHED' }),
    );
    expect(changes.get('fr-FR')).toContainEqual(
      expect.objectContaining({
        type: 'LOCALE',
        requested: 'fr-FR',
        locale: 'en',
        how: 'DEFAULT_UNSUPPORTED',
      }),
    );
    expect(bodyFor('fr-FR')).toEqual([expect.stringMatching(/^Hi Wang Fang, your payment of/)]);
  });
});
