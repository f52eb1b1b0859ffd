import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The zod schemas are built on first use, off the cold start (functions/domain/once.ts), and the
 * first use validates exactly as an eagerly built schema did. zod's builders are counted here: no
 * module a Lambda function loads may build a schema when it is imported, and the first parse after
 * a fresh import still refuses a bad input with the same words.
 */
const built = vi.hoisted(() => ({ count: 0 }));
vi.mock('zod', async (importOriginal) => {
  const actual = await importOriginal<typeof import('zod')>();
  const counted = <F extends (...args: never[]) => unknown>(f: F) =>
    ((...args: Parameters<F>) => {
      built.count++;
      return f(...args);
    }) as F;
  return {
    ...actual,
    object: counted(actual.object),
    string: counted(actual.string),
    number: counted(actual.number),
    enum: counted(actual.enum),
    discriminatedUnion: counted(actual.discriminatedUnion),
    record: counted(actual.record),
    array: counted(actual.array),
    literal: counted(actual.literal),
    email: counted(actual.email),
  };
});

/** Every module with schemas that a Lambda bundle loads (each function's core and the domain). */
const CORES = [
  '../../functions/domain/events.js',
  '../../functions/domain/outbound.js',
  '../../functions/domain/policy.js',
  '../../functions/domain/policies.js',
  '../../functions/domain/segments.js',
  '../../functions/domain/rulepacks.js',
  '../../functions/stage/core.js',
  '../../functions/human-task/core.js',
  '../../functions/inbound-sms/core.js',
  '../../functions/agent-api/core.js',
  '../../functions/agent-api/work-queue.js',
  '../../functions/borrower-api/core.js',
  '../../functions/borrower-api/contact-correction.js',
  '../../functions/borrower-api/preferences.js',
  '../../functions/audit/core.js',
  '../../functions/delivery/reports.js',
  '../../functions/events/core.js',
  '../../functions/intake/core.js',
];

beforeEach(() => {
  vi.resetModules();
  built.count = 0;
});
afterEach(() => {
  vi.resetModules();
});

describe('schemas built on first use', () => {
  it('importing the functions builds no schema; the first parse builds it once', async () => {
    for (const path of CORES) await import(path);
    expect(built.count).toBe(0);

    const events = await import('../../functions/domain/events.js');
    const schema = events.LoanDelinquentSchema();
    expect(built.count).toBeGreaterThan(0);
    const after = built.count;
    expect(events.LoanDelinquentSchema()).toBe(schema);
    expect(events.EVENT_SCHEMAS.LoanDelinquent()).toBe(schema);
    expect(built.count).toBe(after);
  });

  it('refuses a bad event on the first call after a fresh import, naming the field as before', async () => {
    const { EVENT_SCHEMAS, describeZodError } = await import('../../functions/domain/events.js');
    const parsed = EVENT_SCHEMAS.PaymentReceived().safeParse({
      paymentId: 'P-1',
      loanId: 'L-1',
      amount: '-5',
      currency: 'CNY',
      paidAt: '2026-12-01T00:00:00Z',
    });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(describeZodError(parsed.error)).toBe('amount: must be a non-negative decimal string');
  });

  it('refuses an invalid policy on its first load after a fresh import, with the same words', async () => {
    const { loadPolicy } = await import('../../functions/domain/policy.js');
    const { rawPolicy } = await import('./fixtures.js');
    expect(() => loadPolicy({ ...rawPolicy(), stageLocalTime: '25:00' })).toThrow(
      /^policy default: stageLocalTime: must be HH:MM$/,
    );
  });

  it("the events function's first call after a fresh import refuses a bad detail", async () => {
    const { createEventsCore } = await import('../../functions/events/core.js');
    const core = createEventsCore({} as Parameters<typeof createEventsCore>[0]);
    await expect(
      core('BorrowerOptedOut', { borrowerId: 'B-1', channel: 'FAX', at: '2026-12-01T00:00:00Z' }),
    ).rejects.toThrow(/^BorrowerOptedOut: channel: /);
  });
});
