import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseKey } from '../../functions/domain/case.js';
import { profileLedgerId } from '../../functions/domain/ledger.js';
import { signLink } from '../../functions/domain/links.js';
import { createLocalLadder, type LocalLadder } from '../../local/runtime.js';

/**
 * A borrower corrects a phone number or an e-mail address from the page, on the local runtime with
 * the stack's IAM enforced (the borrower API's own grants: contacts GetItem/UpdateItem, SNS, SES, the
 * line key, the ledger writer). Codes are read from the local SMS and e-mail sinks, as a borrower reads
 * them. Each borrower has a loan due 2026-03-03 (Shanghai): D-3 runs at intake, D+1 on 03-04, D+3 on 03-06.
 */
const START = Date.parse('2026-03-02T01:00:00Z'); // 09:00 in Shanghai
const D1_OVER = Date.parse('2026-03-04T14:00:00Z'); // 22:00 on D+1
const D3_OVER = Date.parse('2026-03-06T14:00:00Z');
const OLD = (n: number) => `+861380013${String(n).padStart(4, '0')}`;
const NEW = (n: number) => `+861390013${String(n).padStart(4, '0')}`;
let ladder: LocalLadder;
const tokens = new Map<string, string>();

beforeAll(async () => {
  ladder = await createLocalLadder({ start: START });
  for (const n of [1, 2, 3, 4]) {
    await ladder.send('LoanDelinquent', {
      loanId: `LC-${n}`,
      amountDue: '300.00',
      currency: 'CNY',
      dueDate: '2026-03-03',
      borrower: {
        borrowerId: `BC-${n}`,
        name: `Name ${n}`,
        phone: OLD(n),
        email: `old${n}@example.com`,
        timeZone: 'Asia/Shanghai',
        locale: 'zh-CN',
      },
    });
    tokens.set(
      `BC-${n}`,
      await signLink(ladder.keys.link, {
        borrowerId: `BC-${n}`,
        loanIds: [`LC-${n}`],
        expiresAt: Math.floor(START / 1000) + 30 * 86_400,
        linkId: `link-${n}`,
      }),
    );
  }
  await ladder.clock.runUntilIdle({ until: START + 60_000 });
}, 60_000);
afterAll(() => ladder?.close());

const post = (borrower: string, path: string, body: unknown) =>
  ladder.borrowerApi({
    method: 'POST',
    path,
    authorization: `Bearer ${tokens.get(borrower)}`,
    body: JSON.stringify(body),
  });
const smsTo = (phone: string) => ladder.services.sms.outbox().filter((m) => m.phoneNumber === phone);
const codeIn = (text: string) => /(\d{6})/.exec(text)?.[1] ?? '';
const profileChain = (n: number) => ladder.stores.ledger().list(profileLedgerId(`LC-${n}`, 1));

describe('correcting a phone number, verified by a code sent to the new number', () => {
  it('sends the code to the new number only, and the next ladder SMS goes there once it is verified', async () => {
    expect(smsTo(OLD(1))).toHaveLength(1); // the D-3 reminder, at intake
    const asked = await post('BC-1', '/contact/change', { channel: 'SMS', value: NEW(1) });
    expect(asked).toMatchObject({ status: 202, body: { sent: true, channel: 'SMS' } });
    expect(JSON.stringify(asked.body)).not.toContain(NEW(1));
    const [code] = smsTo(NEW(1));
    expect(code?.message).toMatch(/^您的验证码为 \d{6}/);
    const verified = await post('BC-1', '/contact/verify', { code: codeIn(code?.message ?? '') });
    expect(verified).toEqual({ status: 200, body: { changed: true, channel: 'SMS' } });
    await ladder.clock.runUntilIdle({ until: D1_OVER });
    // D+1 went to the new number, nothing more to the old one.
    expect(smsTo(NEW(1)).map((m) => m.message.slice(0, 12))).toHaveLength(2);
    expect(smsTo(NEW(1))[1]?.message).not.toMatch(/验证码/);
    expect(smsTo(OLD(1))).toHaveLength(1);
    const profile = (await ladder.stores.cases().borrowerView('BC-1')).profile?.item;
    expect(profile?.contactPoints.SMS).toEqual({ verified: true });
    expect(profile?.changes?.at(-1)).toMatchObject({ type: 'CONTACT_POINT', channel: 'SMS' });
    // The ledger: the code sent and the change, by channel only (no number, no code).
    const chain = await profileChain(1);
    expect(chain.map((r) => r.detail?.event)).toEqual(['CONTACT_CODE_SENT', 'CONTACT_POINT_CHANGED']);
    const text = JSON.stringify(chain);
    for (const secret of [NEW(1), OLD(1), codeIn(code?.message ?? '')]) expect(text).not.toContain(secret);
  });

  it('an unverified number never receives a ladder message, only its code', async () => {
    expect((await post('BC-2', '/contact/change', { channel: 'SMS', value: NEW(2) })).status).toBe(202);
    await ladder.clock.runUntilIdle({ until: D3_OVER });
    expect(smsTo(NEW(2)).map((m) => codeIn(m.message) !== '' && /验证码/.test(m.message))).toEqual([true]);
    // D-3, D+1 and D+3 all went to the number the loan system gave.
    expect(smsTo(OLD(2)).length).toBeGreaterThanOrEqual(3);
    const ladderSms = await ladder.stores.ledger().list(caseKey('LC-2', 1));
    expect(ladderSms.some((r) => r.attempts.some((a) => a.channel === 'SMS' && a.status === 'SENT'))).toBe(
      true,
    );
  });

  it('five wrong codes lock the change: the right code is then refused, and the old number stays', async () => {
    const now = ladder.clock.now();
    expect(
      (await post('BC-3', '/contact/change', { channel: 'EMAIL', value: 'new3@example.com' })).status,
    ).toBe(202);
    const mail = (await ladder.services.email.messages()).filter((m) =>
      m.destination.to.includes('new3@example.com'),
    );
    expect(mail).toHaveLength(1);
    const code = codeIn(mail[0]?.body.text ?? '');
    const wrong = code === '000000' ? '111111' : '000000';
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await post('BC-3', '/contact/verify', { code: wrong })).body);
    expect(answers).toEqual([
      { error: 'CODE_WRONG', attemptsLeft: 4 },
      { error: 'CODE_WRONG', attemptsLeft: 3 },
      { error: 'CODE_WRONG', attemptsLeft: 2 },
      { error: 'CODE_WRONG', attemptsLeft: 1 },
      { error: 'CODE_LOCKED' },
    ]);
    expect(await post('BC-3', '/contact/verify', { code })).toEqual({
      status: 409,
      body: { error: 'CODE_LOCKED' },
    });
    expect((await ladder.stores.contacts().get('BC-3'))?.email).toBe('old3@example.com');
    expect((await profileChain(3)).map((r) => r.detail?.event)).toEqual([
      'CONTACT_CODE_SENT',
      'CONTACT_CODE_LOCKED',
    ]);
    expect(ladder.clock.now()).toBe(now);
  });

  it('an expired code is refused, and a fourth code within the hour is not sent', async () => {
    for (let i = 0; i < 3; i++)
      expect((await post('BC-4', '/contact/change', { channel: 'SMS', value: NEW(4) })).status).toBe(202);
    expect(await post('BC-4', '/contact/change', { channel: 'SMS', value: NEW(4) })).toEqual({
      status: 429,
      body: { error: 'TOO_MANY_CODES' },
    });
    expect(smsTo(NEW(4))).toHaveLength(3);
    const last = codeIn(smsTo(NEW(4)).at(-1)?.message ?? '');
    // Ten minutes pass (a timer of nothing, for the virtual clock to move to).
    const expiry = ladder.clock.now() + 10 * 60_000;
    ladder.clock.setTimeout(() => {}, 10 * 60_000);
    await ladder.clock.runUntilIdle({ until: expiry });
    expect(await post('BC-4', '/contact/verify', { code: last })).toEqual({
      status: 409,
      body: { error: 'CODE_EXPIRED' },
    });
    expect((await ladder.stores.contacts().get('BC-4'))?.phone).toBe(OLD(4));
  });

  it('answers 400 naming the field for a malformed number, address or code', async () => {
    expect(await post('BC-4', '/contact/change', { channel: 'SMS', value: '138 0013 8000' })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^value: must be an E\.164 phone number/) },
    });
    expect((await post('BC-4', '/contact/change', { channel: 'EMAIL', value: 'nope' })).status).toBe(400);
    expect((await post('BC-4', '/contact/verify', { code: '12345' })).status).toBe(400);
  });
});
