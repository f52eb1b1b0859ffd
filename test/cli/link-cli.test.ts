import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLink } from '../../functions/domain/links.js';
import { keyFile, readKeyFile } from '../../local/keys.js';
import { localLink } from '../../local/link.js';
import { createLocalLadder } from '../../local/runtime.js';

/**
 * `ladder link --loan ID --data DIR`: a link signed with the data directory's own link key (the one
 * `ladder serve --data DIR` checks), for the borrower the store names; the process once, the module
 * for the rest (each process start costs seconds).
 */
const dir = mkdtempSync(join(tmpdir(), 'ladder-link-'));
const data = join(dir, 'data');

beforeAll(async () => {
  const ladder = await createLocalLadder({ start: Date.now(), dataDir: data, iam: false });
  await ladder.send('LoanDelinquent', {
    loanId: 'LK-1',
    amountDue: '88.00',
    currency: 'CNY',
    dueDate: DateTime.now().plus({ days: 10 }).toISODate(),
    borrower: {
      borrowerId: 'BK-1',
      name: 'N',
      phone: '+8613800138077',
      email: 'lk@example.com',
      timeZone: 'Asia/Shanghai',
      locale: 'en',
    },
  });
  await ladder.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tokenOf = (url: string) => url.split('#t=')[1] ?? '';

describe('ladder link', () => {
  it('prints a page link for the loan, signed with the directory key, for its borrower only', async () => {
    const run = spawnSync('node', ['cli/ladder.mjs', 'link', '--loan', 'LK-1', '--data', data], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const url = run.stdout.trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:4510\/b\/#t=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const claims = await verifyLink(readKeyFile(keyFile(data, 'link')), tokenOf(url), Date.now());
    expect(claims).toMatchObject({ borrowerId: 'BK-1', loanIds: ['LK-1'] });
    expect(claims.expiresAt * 1000).toBeGreaterThan(Date.now() + 13 * 86_400_000);
    expect(url).not.toContain('8613800138077');
  });

  it('takes the borrower from --borrower without opening the store, and a --base', async () => {
    const url = await localLink({ loan: 'LK-1', data, base: 'http://localhost:9', borrower: 'BK-1' });
    expect(url.startsWith('http://localhost:9/b/#t=')).toBe(true);
  });

  it('refuses a loan the store does not have, and an id that is not one', async () => {
    await expect(localLink({ loan: 'NOPE-1', data, base: 'http://x' })).rejects.toThrow('no such loan');
    await expect(localLink({ loan: 'a b', data, base: 'http://x' })).rejects.toThrow('--loan');
  });
});
