import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { BorrowerProfile } from '../../functions/domain/case.js';
import { hashRecord, type LedgerRecord, verifyChain } from '../../functions/domain/ledger.js';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { createEventsCore } from '../../functions/events/core.js';
import { createIntakeCore } from '../../functions/intake/core.js';
import { borrowerRows, db, fixedClock, kase, loanDelinquent, profile, stores } from './fixtures.js';

/**
 * BorrowerPreferencesChanged through the events core, as upstream sends it and as the page does: the
 * profile's preferences and locale, the change log, a PROFILE record on the active case's profile
 * chain, newer-wins per field, and intake keeping the borrower's own language over the loan record's.
 */
const ddb = mockClient(db);
const records: LedgerRecord[] = [];
const policies = bundledPolicies();
const AT = '2026-12-12T08:00:00Z';
const deps = {
  cases: stores.cases,
  callbacks: { succeed: async () => ({ delivered: true }) },
  clock: fixedClock('2026-12-13T00:00:00Z'),
  policies,
  profileLedger: {
    ledger: { list: async (id: string) => records.filter((r) => r.ledgerId === id) },
    writer: {
      append: async (r: LedgerRecord) => {
        records.push(r);
      },
    },
    policies,
  },
};
const savedProfile = (): BorrowerProfile | undefined =>
  ddb
    .commandCalls(PutCommand)
    .map((c) => c.args[0].input)
    .find((i) => i.TableName === 'Cases' && i.Item?.sk === 'PROFILE')?.Item?.doc as
    | BorrowerProfile
    | undefined;

const send = async (detail: Record<string, unknown>, stored: Partial<BorrowerProfile> = {}) => {
  ddb.reset();
  ddb.on(PutCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: borrowerRows(kase, { ...profile, ...stored }) });
  const result = await createEventsCore(deps)('BorrowerPreferencesChanged', { borrowerId: 'B-1', ...detail });
  return { result, saved: savedProfile() };
};

afterEach(() => {
  ddb.reset();
  records.length = 0;
});

describe('BorrowerPreferencesChanged', () => {
  it('stores the window and the language, logs both and records them in the ledger', async () => {
    const at = '2026-12-12T08:00:00Z';
    const { result, saved } = await send({
      contactWindow: { start: '17:00', end: '21:00' },
      language: 'zh-CN',
      at,
    });
    expect(result).toEqual({ applied: true });
    expect(saved?.preferences).toEqual({
      window: { start: '17:00', end: '21:00' },
      windowAt: at,
      language: 'zh-CN',
      languageAt: at,
    });
    expect(saved?.locale).toBe('zh-CN');
    expect(saved?.changes?.slice(-2)).toEqual([
      {
        type: 'CONTACT_WINDOW',
        window: { start: '17:00', end: '21:00' },
        at,
        recordedAt: '2026-12-13T00:00:00.000Z',
      },
      {
        type: 'LOCALE',
        requested: 'zh-CN',
        locale: 'zh-CN',
        how: 'EXACT',
        recordedAt: '2026-12-13T00:00:00.000Z',
      },
    ]);
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record).toMatchObject({
      ledgerId: `${kase.loanId}#${kase.cycle}#profile`,
      type: 'PROFILE',
      seq: 1,
      at,
      attempts: [],
      detail: { event: 'PREFERENCES_CHANGED', window: '17:00-21:00', language: 'zh-CN' },
    });
    expect(verifyChain(records)).toEqual({ ok: true, records: 1 });
    const { seq, prevHash, hash, ...content } = record as LedgerRecord;
    expect(hash).toBe(hashRecord(content, seq, prevHash));
  });

  it('a redelivered event is not recorded twice', async () => {
    const detail = { contactWindow: { start: '08:00', end: '12:00' }, at: '2026-12-12T08:00:00Z' };
    await send(detail);
    const prefs = { window: detail.contactWindow, windowAt: detail.at };
    const again = await send(detail, { preferences: prefs });
    expect(again.result).toEqual({ applied: false, note: 'NEWER_PREFERENCES' });
    expect(records).toHaveLength(1);
  });

  it('null removes the window; an older event changes nothing; fields are judged apart', async () => {
    const stored: Partial<BorrowerProfile> = {
      preferences: {
        window: { start: '17:00', end: '21:00' },
        windowAt: '2026-12-12T08:00:00Z',
        language: 'en',
        languageAt: '2026-12-10T00:00:00Z',
      },
    };
    const removed = await send({ contactWindow: null, at: '2026-12-12T09:00:00Z' }, stored);
    expect(removed.saved?.preferences?.window).toBeUndefined();
    expect(removed.saved?.changes?.at(-1)).toMatchObject({
      type: 'CONTACT_WINDOW',
      at: '2026-12-12T09:00:00Z',
    });
    const older = await send({ contactWindow: null, at: '2026-12-11T00:00:00Z' }, stored);
    expect(older.result).toEqual({ applied: false, note: 'NEWER_PREFERENCES' });
    expect(older.saved).toBeUndefined();
    // Older than the window's choice, newer than the language's: only the language changes.
    const mixed = await send({ contactWindow: null, language: 'zh-CN', at: '2026-12-11T00:00:00Z' }, stored);
    expect(mixed.saved?.preferences?.window).toEqual({ start: '17:00', end: '21:00' });
    expect(mixed.saved?.locale).toBe('zh-CN');
  });

  it('a language no template speaks is refused, naming the field', async () => {
    ddb.reset();
    await expect(
      createEventsCore(deps)('BorrowerPreferencesChanged', { borrowerId: 'B-1', language: 'fr-FR', at: AT }),
    ).rejects.toThrow(/^BorrowerPreferencesChanged: language: /);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it("intake keeps the borrower's chosen language over the loan record's, and keeps the preferences", async () => {
    const intake = createIntakeCore({
      cases: stores.cases,
      contacts: stores.contacts,
      starter: { start: async () => ({ started: false }) },
      clock: deps.clock,
      policies,
    });
    // A new time zone in the loan record makes intake write the profile either way.
    const event = {
      ...loanDelinquent,
      borrower: { ...loanDelinquent.borrower, locale: 'en-US', timeZone: 'Asia/Hong_Kong' },
    };
    const run = async (stored: Partial<BorrowerProfile>) => {
      ddb.reset();
      ddb.on(PutCommand).resolves({});
      ddb.on(QueryCommand).resolves({ Items: borrowerRows(kase, { ...profile, ...stored }) });
      await intake(event);
      return savedProfile();
    };
    const chosen = { language: 'zh-CN' as const, languageAt: '2026-12-12T08:00:00Z' };
    const kept = await run({ locale: 'zh-CN', preferences: chosen });
    expect(kept?.locale).toBe('zh-CN');
    expect(kept?.preferences).toEqual(chosen);
    expect(kept?.changes?.some((c) => c.type === 'LOCALE')).toBe(false);
    // Without a choice of the borrower's, the loan record's language is taken (the oracle of the above).
    const taken = await run({ locale: 'zh-CN' });
    expect(taken?.locale).toBe('en');
  });
});
