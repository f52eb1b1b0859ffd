import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../local/scenario.js';
import { type SimulationResult, simulate } from '../../local/simulate.js';

/**
 * Opting back in, on the real definition and handlers: a borrower texts STOP, later START; SMS is
 * blocked in between and sent again after, and e-mail is never affected.
 */
const ZONE = 'Asia/Shanghai';
const at = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toISO() as string;
const scenario = {
  loans: [
    {
      loanId: 'L-back',
      amountDue: '800.00',
      currency: 'CNY',
      dueDate: '2026-12-10',
      borrower: {
        borrowerId: 'B-back',
        name: '李雷',
        phone: '+8613800138123',
        email: 'lilei@example.com',
        timeZone: ZONE,
        locale: 'zh-CN',
      },
      events: [
        { type: 'smsReply', body: 'STOP', at: at('2026-12-10T12:00') },
        { type: 'smsReply', body: 'START', at: at('2026-12-20T12:00') },
      ],
    },
  ],
};

describe('STOP, then START, by two-way SMS', () => {
  let result: SimulationResult;
  beforeAll(async () => {
    result = await simulate(parseScenario(structuredClone(scenario)));
  });

  it('blocks SMS between the two replies and sends it again after START', () => {
    const sms = (result.loans[0]?.attempts ?? []).filter((a) => a.channel === 'SMS');
    const [stop, start] = [at('2026-12-10T12:00'), at('2026-12-20T12:00')].map(Date.parse) as [
      number,
      number,
    ];
    const between = sms.filter((a) => Date.parse(a.at) > stop && Date.parse(a.at) < start);
    const after = sms.filter((a) => Date.parse(a.at) > start);
    expect(between.length).toBeGreaterThan(0);
    for (const a of between) expect(a).toMatchObject({ status: 'BLOCKED', reason: 'OPTED_OUT_SMS' });
    expect(after.length).toBeGreaterThan(0);
    for (const a of after) expect(a.status).toBe('SENT');
  });

  it('leaves e-mail alone throughout', () => {
    const email = (result.loans[0]?.attempts ?? []).filter((a) => a.channel === 'EMAIL');
    expect(email.length).toBeGreaterThan(0);
    for (const a of email) expect(a.status).toBe('SENT');
  });
});
