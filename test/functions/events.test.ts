import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BorrowerProfile } from '../../functions/domain/case.js';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { createEventsCore } from '../../functions/events/core.js';
import { createIntakeCore } from '../../functions/intake/core.js';
import { borrowerRows, db, fixedClock, kase, loanDelinquent, profile, stores } from './fixtures.js';

const ddb = mockClient(db);
const woken: string[] = [];
const callbacks = {
  succeed: async (token: string) => {
    woken.push(token);
    return { delivered: true };
  },
};
const deps = {
  cases: stores.cases,
  callbacks,
  // After every consent event these tests send: an event dated ahead of the clock is refused.
  clock: fixedClock('2026-12-13T00:00:00Z'),
  policies: bundledPolicies(),
};
const savedProfile = (): BorrowerProfile | undefined => {
  const put = ddb
    .commandCalls(PutCommand)
    .map((c) => c.args[0].input)
    .find((i) => i.TableName === 'Cases' && i.Item?.sk === 'PROFILE');
  return put?.Item?.doc as BorrowerProfile | undefined;
};
const AT = '2026-12-12T00:00:00Z';

beforeEach(() => {
  ddb.on(PutCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
});
afterEach(() => {
  ddb.reset();
  woken.length = 0;
});

describe('events: consent and privacy', () => {
  const consent = async (
    type: 'BorrowerOptedOut' | 'BorrowerOptedIn',
    at: string,
    stored: Partial<BorrowerProfile> = {},
  ) => {
    ddb.reset();
    ddb.on(PutCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: borrowerRows(kase, { ...profile, ...stored }) });
    const result = await createEventsCore(deps)(type, { borrowerId: 'B-1', channel: 'SMS', at });
    return { result, saved: savedProfile() };
  };

  it('BorrowerOptedIn reopens a channel opted out earlier, and keeps when', async () => {
    const { result, saved } = await consent('BorrowerOptedIn', '2026-12-12T08:00:00Z', {
      optOuts: { SMS: '2026-12-10T00:00:00Z', EMAIL: '2026-12-10T00:00:00Z' },
    });
    expect(result).toEqual({ applied: true });
    expect(saved?.optOuts).toEqual({ EMAIL: '2026-12-10T00:00:00Z' });
    expect(saved?.optIns).toEqual({ SMS: '2026-12-12T08:00:00Z' });
  });

  it('per channel the newer of an opt-out and an opt-in wins, whatever order they arrive in', async () => {
    // An opt-out older than the latest opt-in, delivered late (a redelivery), changes nothing.
    const late = await consent('BorrowerOptedOut', '2026-12-12T07:59:59+08:00', {
      optIns: { SMS: '2026-12-12T00:00:00Z' },
    });
    expect(late.result).toEqual({ applied: false, note: 'OPTED_IN_SINCE' });
    expect(late.saved).toBeUndefined();
    // A newer one closes the channel again.
    const newer = await consent('BorrowerOptedOut', '2026-12-12T08:00:01+08:00', {
      optIns: { SMS: '2026-12-12T00:00:00Z' },
    });
    expect(newer.result).toEqual({ applied: true });
    expect(newer.saved?.optOuts).toEqual({ SMS: '2026-12-12T08:00:01+08:00' });
    // An opt-in older than the opt-out it would undo changes nothing.
    const stale = await consent('BorrowerOptedIn', '2026-12-09T00:00:00Z', {
      optOuts: { SMS: '2026-12-10T00:00:00Z' },
    });
    expect(stale.result).toEqual({ applied: false, note: 'OPTED_OUT_SINCE' });
    expect(stale.saved).toBeUndefined();
    // At the same instant, in either order, the opt-out wins: in doubt, do not contact.
    const tieIn = await consent('BorrowerOptedIn', '2026-12-10T08:00:00+08:00', {
      optOuts: { SMS: '2026-12-10T00:00:00Z' },
    });
    expect(tieIn.result).toEqual({ applied: false, note: 'OPTED_OUT_SINCE' });
    const tieOut = await consent('BorrowerOptedOut', '2026-12-10T00:00:00Z', {
      optIns: { SMS: '2026-12-10T08:00:00+08:00' },
    });
    expect(tieOut.result).toEqual({ applied: true });
    expect(tieOut.saved?.optOuts).toEqual({ SMS: '2026-12-10T00:00:00Z' });
  });

  it('ContactPointVerified marks that point verified and leaves the other as it was', async () => {
    ddb.on(QueryCommand).resolves({ Items: borrowerRows() });
    const result = await createEventsCore(deps)('ContactPointVerified', {
      borrowerId: 'B-1',
      channel: 'EMAIL',
      at: AT,
    });
    expect(result).toEqual({ applied: true });
    expect(savedProfile()?.contactPoints).toEqual({ SMS: { verified: false }, EMAIL: { verified: true } });
  });

  it('the events function refuses BorrowerErasureRequested (it cannot delete contact details) and writes nothing', async () => {
    ddb.on(QueryCommand).resolves({ Items: borrowerRows() });
    await expect(
      createEventsCore(deps)('BorrowerErasureRequested', { borrowerId: 'B-1', at: AT }),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('erasure marks the profile ERASED without contact points, then deletes the contact item, then wakes waiting executions', async () => {
    ddb.on(QueryCommand).resolves({ Items: borrowerRows({ ...kase, waitToken: 'token-1' }) });
    const result = await createEventsCore({ ...deps, contacts: stores.contacts })(
      'BorrowerErasureRequested',
      {
        borrowerId: 'B-1',
        at: AT,
      },
    );
    expect(result.applied).toBe(true);
    expect(savedProfile()).toMatchObject({ specialStatus: 'ERASED', contactPoints: {} });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      TableName: 'Contacts',
      Key: { borrowerId: 'B-1' },
    });
    const order = ddb.calls().map((c) => c.args[0].constructor.name);
    expect(order.indexOf('PutCommand')).toBeLessThan(order.indexOf('DeleteCommand'));
    expect(woken).toEqual(['token-1']);
  });

  it('an erased borrower stays erased when a status change arrives: nothing is written', async () => {
    ddb.on(QueryCommand).resolves({ Items: borrowerRows(kase, { ...profile, specialStatus: 'ERASED' }) });
    const result = await createEventsCore(deps)('BorrowerStatusChanged', {
      borrowerId: 'B-1',
      status: 'DECEASED',
      at: AT,
    });
    expect(result).toEqual({ applied: false, note: 'ERASED' });
    expect(savedProfile()).toBeUndefined();
  });
});

describe('intake: verification and erasure', () => {
  const intake = () =>
    createIntakeCore({
      cases: stores.cases,
      contacts: stores.contacts,
      starter: { start: async () => ({ started: false }) },
      clock: fixedClock('2026-12-06T00:00:00Z'),
      policies: bundledPolicies(),
    });
  const verified: BorrowerProfile = {
    ...profile,
    contactPoints: { SMS: { verified: true }, EMAIL: { verified: true } },
  };

  it('keeps verification when the stored phone and e-mail are the same (conditional put succeeds)', async () => {
    ddb.on(QueryCommand).resolves({ Items: borrowerRows(kase, verified) });
    await intake()({ ...loanDelinquent, loanId: 'L-2' });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'Contacts',
      ConditionExpression: 'phone = :phone AND email = :email',
    });
    expect(savedProfile()?.contactPoints ?? verified.contactPoints).toEqual(verified.contactPoints);
  });

  it('resets verification when the phone or e-mail changed (conditional put fails, plain put stores the new ones)', async () => {
    ddb.on(QueryCommand).resolves({ Items: borrowerRows(kase, verified) });
    ddb
      .on(PutCommand, { TableName: 'Contacts', ConditionExpression: 'phone = :phone AND email = :email' })
      .rejects(Object.assign(new Error('changed'), { name: 'ConditionalCheckFailedException' }));
    await intake()({ ...loanDelinquent, loanId: 'L-2' });
    const contactPuts = ddb.commandCalls(PutCommand).filter((c) => c.args[0].input.TableName === 'Contacts');
    expect(contactPuts).toHaveLength(2);
    expect(savedProfile()?.contactPoints).toEqual({ SMS: { verified: false }, EMAIL: { verified: false } });
  });

  it("keeps the borrower's consent, opt-outs and opt-ins, when a new loan arrives", async () => {
    const consent = { optOuts: { CALL: '2026-12-01T00:00:00Z' }, optIns: { SMS: '2026-12-02T00:00:00Z' } };
    ddb.on(QueryCommand).resolves({ Items: borrowerRows(kase, { ...profile, ...consent }) });
    await intake()({
      ...loanDelinquent,
      loanId: 'L-2',
      borrower: { ...loanDelinquent.borrower, locale: 'en' },
    });
    expect(savedProfile()).toMatchObject({ locale: 'en', ...consent });
  });

  it('does not store contact details again for an erased borrower', async () => {
    ddb.on(QueryCommand).resolves({ Items: borrowerRows(kase, { ...profile, specialStatus: 'ERASED' }) });
    await intake()({ ...loanDelinquent, loanId: 'L-2' });
    expect(ddb.commandCalls(PutCommand).filter((c) => c.args[0].input.TableName === 'Contacts')).toEqual([]);
  });
});
