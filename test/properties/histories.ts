import fc from 'fast-check';
import type { ScenarioEvent, ScenarioLoan } from '../../local/scenario.js';

/**
 * Borrower histories for the model-based property test and `npm run fuzz`: several borrowers and
 * loans (some sharing a phone number, some moving time zone between loans), and what happens to them
 * as an adversary would arrange it: payments full and partial, the loan system's balance reports
 * (BalanceChanged), plans that add up to the balance and plans that do not, opt-outs and opt-ins dated in the past,
 * now or the future and delivered late, twice or out of order, disputes resolved either way, promises
 * and plans good and bad, agent outcomes of every kind, deceased or bankrupt borrowers, erasure, STOP
 * by SMS, free-text replies by SMS and e-mail, verified contact points, BCP 47 language tags. Every history is data: a scenario the real local runtime runs.
 */
export interface History {
  loans: ScenarioLoan[];
}

const DUE = Date.parse('2026-12-10T00:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ZONES = ['Asia/Shanghai', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'Europe/London'];
/** Language tags as upstream sends them: template locales, regional variants, and languages with no template. */
const LOCALE_TAGS = ['zh-CN', 'en', 'en-US', 'en-GB', 'en-IN', 'en-NZ', 'zh-Hans-CN', 'zh-TW', 'fr-FR'];
const iso = (ms: number) => new Date(ms).toISOString();
const date = (ms: number) => iso(ms).slice(0, 10);

/**
 * When, relative to the due date: mostly while the ladder is busiest (the first five weeks), else any
 * time until well after legal handoff; at :17 or :59 past the hour, so some land a minute before the
 * contact window opens or closes.
 */
const when = fc
  .record({
    hour: fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: -3 * 24, max: 35 * 24 }) },
      { weight: 2, arbitrary: fc.integer({ min: -3 * 24, max: 130 * 24 }) },
    ),
    minute: fc.constantFrom(17, 59),
  })
  .map(({ hour, minute }) => DUE + hour * HOUR + minute * 60_000);

/** How an event's own `at` relates to its delivery: on time, dated earlier (late), or ahead of the clock. */
const dating = fc.oneof(
  { weight: 5, arbitrary: fc.constant(0) },
  { weight: 2, arbitrary: fc.integer({ min: -20 * 24, max: -1 }).map((h) => h * HOUR) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 24 }).map((m) => m * 60_000) },
  { weight: 1, arbitrary: fc.constantFrom(2 * HOUR, 400 * DAY, Date.parse('2099-01-01T00:00:00Z') - DUE) },
);

type Timed = Omit<ScenarioEvent, 'at' | 'deliveredAt' | 'onAgentCall'>;
const timedEvent = (event: fc.Arbitrary<Timed>) =>
  fc
    .record({ event, at: when, shift: dating, repeat: fc.integer({ min: 0, max: 2 }) })
    .map(({ event, at, shift, repeat }) => ({
      ...event,
      at: iso(at + shift),
      ...(shift === 0 ? {} : { deliveredAt: iso(at) }),
      ...(repeat > 0 ? { repeat } : {}),
    })) as fc.Arbitrary<ScenarioEvent>;

const amount = (owed: number) =>
  fc
    .oneof(
      fc.constant(owed),
      fc.integer({ min: 1, max: owed - 1 }),
      fc.integer({ min: owed + 1, max: owed * 2 }),
    )
    .map(String);
const channel = fc.constantFrom('SMS', 'EMAIL', 'CALL');
const promiseDate = fc.oneof(
  fc.integer({ min: -5, max: 60 }).map((d) => date(DUE + d * DAY)),
  fc.constantFrom('2026-02-31', '2026-13-45', '9999-12-31'),
);
const instalments = (owed: number) =>
  fc.array(fc.record({ amount: fc.integer({ min: 1, max: owed }).map(String), date: promiseDate }), {
    minLength: 1,
    maxLength: 4,
  });

/**
 * A plan that adds up: the whole of `owed` in 1 to 4 monthly instalments (the last takes the
 * remainder), the first 5 to 40 days after the due date: signed on time it settles; a payment or
 * accrual before it makes it no longer add up, and it is refused.
 */
const plansThatAddUp = (owed: number) =>
  fc
    .record({ n: fc.integer({ min: 1, max: 4 }), first: fc.integer({ min: 5, max: 40 }) })
    .map(({ n, first }) =>
      Array.from({ length: n }, (_, i) => ({
        amount: String(i < n - 1 ? Math.floor(owed / n) : owed - Math.floor(owed / n) * (n - 1)),
        date: date(DUE + (first + 30 * i) * DAY),
      })),
    );

/** The loan system's balance (BalanceChanged): principal up to what is owed, some interest and charges. */
const balanceReport = (owed: number) =>
  fc
    .record({
      principal: fc.integer({ min: 0, max: owed }),
      interest: fc.integer({ min: 0, max: 50 }),
      penaltyInterest: fc.integer({ min: 0, max: 50 }),
      fees: fc.integer({ min: 0, max: 30 }),
    })
    .map((b) => ({
      type: 'balanceChanged' as const,
      principal: `${b.principal}.00`,
      interest: `${b.interest}.00`,
      penaltyInterest: `${b.penaltyInterest}.00`,
      fees: `${b.fees}.00`,
    }));

/** What can happen to one loan of `owed` (major units), timed or in answer to an agent's call. */
function loanEvent(owed: number): fc.Arbitrary<ScenarioEvent> {
  const timed = timedEvent(
    fc.oneof(
      { weight: 4, arbitrary: amount(owed).map((a) => ({ type: 'payment' as const, amount: a })) },
      { weight: 3, arbitrary: channel.map((c) => ({ type: 'optOut' as const, channel: c })) },
      { weight: 2, arbitrary: channel.map((c) => ({ type: 'optIn' as const, channel: c })) },
      { weight: 2, arbitrary: fc.constant({ type: 'dispute' as const }) },
      {
        weight: 2,
        arbitrary: fc
          .constantFrom('lender', 'borrower')
          .map((w) => ({ type: 'disputeResolved' as const, inFavourOf: w })),
      },
      {
        weight: 1,
        arbitrary: fc
          .record({ amount: amount(owed), date: promiseDate })
          .map((p) => ({ type: 'promiseToPay' as const, ...p })),
      },
      {
        weight: 1,
        arbitrary: instalments(owed).map((i) => ({ type: 'acceptPlan' as const, instalments: i })),
      },
      {
        weight: 2,
        arbitrary: plansThatAddUp(owed).map((i) => ({ type: 'acceptPlan' as const, instalments: i })),
      },
      { weight: 2, arbitrary: balanceReport(owed) },
      { weight: 1, arbitrary: fc.constant({ type: 'hardship' as const }) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom('DECEASED', 'BANKRUPT')
          .map((s) => ({ type: 'statusChanged' as const, status: s })),
      },
      { weight: 1, arbitrary: fc.constant({ type: 'erasure' as const }) },
      {
        weight: 2,
        arbitrary: fc
          .constantFrom('STOP', 'START', '退订', 'I will pay at the end of the month')
          .map((b) => ({ type: 'smsReply' as const, body: b })),
      },
      {
        weight: 2,
        arbitrary: fc
          .record({
            channel: fc.constantFrom('SMS', 'EMAIL'),
            text: fc.constantFrom(
              '我这个月失业了，下个月再还',
              'I already paid yesterday',
              '这笔钱不是我借的',
              'wrong number',
              'HELP',
              'UNSUBSCRIBE',
              'ok',
            ),
          })
          .map((r) => ({ type: 'reply' as const, ...r })),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom('SMS', 'EMAIL')
          .map((c) => ({ type: 'contactVerified' as const, channel: c })),
      },
    ) as fc.Arbitrary<Timed>,
  );
  const answer = fc
    .record({
      call: fc.integer({ min: 1, max: 2 }),
      reply: fc.oneof(
        fc.constantFrom(
          { type: 'refused' },
          { type: 'noAnswer' },
          { type: 'wrongNumber' },
          { type: 'dispute' },
          { type: 'hardship' },
        ),
        fc.record({ amount: amount(owed), date: promiseDate }).map((p) => ({ type: 'promiseToPay', ...p })),
        instalments(owed).map((i) => ({ type: 'acceptPlan', instalments: i })),
        plansThatAddUp(owed).map((i) => ({ type: 'acceptPlan', instalments: i })),
      ),
    })
    .map(({ call, reply }) => ({ ...reply, onAgentCall: call }) as ScenarioEvent);
  return fc.oneof({ weight: 4, arbitrary: timed }, { weight: 1, arbitrary: answer });
}

/** One borrower: a zone per loan (a move between loans), a shared or own phone, one to three loans. */
const borrowerLoans = (index: number, prefix: string) =>
  fc
    .record({
      zones: fc.array(fc.constantFrom(...ZONES), { minLength: 1, maxLength: 3 }),
      phone: fc.integer({ min: 0, max: 2 }),
      owed: fc.array(fc.integer({ min: 100, max: 20_000 }), { minLength: 1, maxLength: 3 }),
      dueShift: fc.integer({ min: -2, max: 2 }),
      locales: fc.array(fc.constantFrom(...LOCALE_TAGS), { minLength: 1, maxLength: 3 }),
    })
    .chain(({ zones, phone, owed, dueShift, locales }) =>
      fc.tuple(...owed.map((o) => fc.array(loanEvent(o), { maxLength: 6 }))).map((events) =>
        owed.map(
          (o, n): ScenarioLoan => ({
            loanId: `${prefix}L${index}-${n}`,
            amountDue: `${o}.00`,
            currency: 'CNY',
            dueDate: date(DUE + (dueShift + n) * DAY),
            borrower: {
              borrowerId: `${prefix}B${index}`,
              name: 'Test Borrower',
              // Borrowers of one history may share a number (phone 0..2): the caps count per number.
              phone: `+86138${prefix.replace(/\D/g, '').padStart(4, '0').slice(-4)}${String(phone).padStart(4, '0')}`,
              email: `${prefix}b${index}@example.com`,
              timeZone: zones[Math.min(n, zones.length - 1)] as string,
              locale: locales[Math.min(n, locales.length - 1)] as string,
            },
            events: events[n] ?? [],
          }),
        ),
      ),
    );

/** A history: one to four borrowers; ids carry `prefix` so histories can share a run without meeting. */
export const history = (prefix: string): fc.Arbitrary<History> =>
  fc
    .integer({ min: 1, max: 4 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => borrowerLoans(i, prefix))))
    .map((borrowers) => ({ loans: borrowers.flat() }));
