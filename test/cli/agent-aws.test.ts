import { spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRegion, signedHeaders } from '../../local/cli/aws-signing.js';

/**
 * `ladder agent --aws`: SigV4 signing of the work-queue API's requests (local/cli/aws-signing.ts).
 *
 * The expected signatures are not computed by the code under test. The first is AWS's published
 * example (IAM ListUsers, AKIDEXAMPLE, 2015-08-30T12:36:00Z, Signature 5d672d79…). The two
 * execute-api ones were computed by hand with Python's hashlib/hmac:
 *
 *   def h(b): return hashlib.sha256(b).hexdigest()
 *   def k(key, msg): return hmac.new(key, msg.encode(), hashlib.sha256).digest()
 *   def sign(method, path, query, headers, body, secret, date, region, service):
 *       names = sorted(headers)
 *       canon = '\n'.join([method, path, query, ''.join(f'{n}:{headers[n]}\n' for n in names),
 *                          ';'.join(names), h(body)])
 *       scope = f'{date[:8]}/{region}/{service}/aws4_request'
 *       sts = '\n'.join(['AWS4-HMAC-SHA256', date, scope, h(canon.encode())])
 *       key = k(k(k(k(('AWS4' + secret).encode(), date[:8]), region), service), 'aws4_request')
 *       return hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
 *
 * which also gives AWS's published 5d672d79… for its example. Then the CLI, as a process with
 * credentials in its environment (the standard chain's first provider), calls a local HTTP server,
 * which checks the signature of what arrived with the small verifier below (the same algorithm as
 * the Python, in node:crypto), itself checked against AWS's example first. No network.
 */
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET };
const HOST = 'abc123.execute-api.ap-east-1.amazonaws.com';
const AT = new Date('2026-12-01T09:00:00Z');

/** RFC 3986 encoding, as SigV4 wants it. */
const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** An independent SigV4 signature: the path as sent (already encoded once) is encoded again. */
function oracle(o: {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: Record<string, string>;
  body: string;
  amzDate: string;
  region: string;
  service: string;
}): string {
  const hex = (data: string) => createHash('sha256').update(data).digest('hex');
  const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
  const names = Object.keys(o.headers).sort();
  const query = [...new URLSearchParams(o.rawQuery)]
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .sort()
    .join('&');
  const canonical = [
    o.method,
    o.rawPath.split('/').map(rfc3986).join('/'),
    query,
    names.map((n) => `${n}:${(o.headers[n] ?? '').trim()}\n`).join(''),
    names.join(';'),
    hex(o.body),
  ].join('\n');
  const day = o.amzDate.slice(0, 8);
  const scope = `${day}/${o.region}/${o.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', o.amzDate, scope, hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${SECRET}`, day), o.region), o.service), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex');
}

describe('SigV4 signing of the agent commands', () => {
  it("reproduces AWS's published example (IAM ListUsers), and so does the test's own verifier", async () => {
    const headers = await signedHeaders(
      {
        url: new URL('https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08'),
        method: 'GET',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      },
      {
        region: 'us-east-1',
        service: 'iam',
        credentials: CREDENTIALS,
        date: new Date('2015-08-30T12:36:00Z'),
      },
    );
    const published = '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7';
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, ' +
        `SignedHeaders=content-type;host;x-amz-date, Signature=${published}`,
    );
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(
      oracle({
        method: 'GET',
        rawPath: '/',
        rawQuery: 'Action=ListUsers&Version=2010-05-08',
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          host: 'iam.amazonaws.com',
          'x-amz-date': '20150830T123600Z',
        },
        body: '',
        amzDate: '20150830T123600Z',
        region: 'us-east-1',
        service: 'iam',
      }),
    ).toBe(published);
  });

  it('signs a work-queue GET for execute-api in the API’s region (vector computed in Python)', async () => {
    const headers = await signedHeaders(
      { url: new URL(`https://${HOST}/prod/tasks?queue=agent-calls`), method: 'GET' },
      { region: 'ap-east-1', credentials: CREDENTIALS, date: AT },
    );
    expect(headers).toEqual({
      'x-amz-date': '20261201T090000Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261201/ap-east-1/execute-api/aws4_request, ' +
        'SignedHeaders=host;x-amz-date, ' +
        'Signature=5d3a54e1b08d26c24f2f2f061a85e669aaf63f1af6031b694d78c3249b43d82e',
    });
  });

  it('signs a POST with its body, an encoded task id and a session token (vector computed in Python)', async () => {
    const headers = await signedHeaders(
      {
        url: new URL(`https://${HOST}/prod/tasks/${encodeURIComponent('L-1#1#D+7')}/complete`),
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"outcome":"NO_ANSWER"}',
      },
      { region: 'ap-east-1', credentials: { ...CREDENTIALS, sessionToken: 'TOKEN' }, date: AT },
    );
    expect(headers['x-amz-security-token']).toBe('TOKEN');
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261201/ap-east-1/execute-api/aws4_request, ' +
        'SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, ' +
        'Signature=036ca4237d282eb36f13d21582d303e0189d5d0f33c033bb04aa3190f2f66406',
    );
  });

  it('takes the region from the API URL (China too), else AWS_REGION, else says what is missing', () => {
    expect(apiRegion(new URL(`https://${HOST}/prod/`), {})).toBe('ap-east-1');
    expect(apiRegion(new URL('https://x1.execute-api.cn-north-1.amazonaws.com.cn/prod/'), {})).toBe(
      'cn-north-1',
    );
    expect(apiRegion(new URL('https://agents.example.com/'), { AWS_REGION: 'eu-west-1' })).toBe('eu-west-1');
    expect(() => apiRegion(new URL('https://agents.example.com/'), {})).toThrow(/set AWS_REGION/);
  });
});

interface Arrived {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('ladder agent --aws against a local server', () => {
  let server: Server;
  let base = '';
  const arrived: Arrived[] = [];
  let answer: { status: number; body: unknown } = { status: 200, body: { tasks: [] } };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        arrived.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  /** The CLI as a process (asynchronous: the server answers from this one), credentials in its env. */
  const ladder = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('node', ['cli/ladder.mjs', ...args], {
        env: {
          PATH: process.env.PATH,
          AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: SECRET,
          AWS_REGION: 'eu-west-1',
          AWS_CONFIG_FILE: '/nonexistent/config',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  /** The signature of what arrived, recomputed by the verifier from the request as received. */
  function verify(req: Arrived): void {
    const auth = String(req.headers.authorization);
    const match =
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/(\d{8})\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
        auth,
      );
    expect(match, auth).not.toBeNull();
    const signed = (match?.[2] ?? '').split(';');
    expect(signed).toEqual(expect.arrayContaining(['host', 'x-amz-date']));
    const [rawPath = '', rawQuery = ''] = req.url.split('?');
    const expected = oracle({
      method: req.method,
      rawPath,
      rawQuery,
      headers: Object.fromEntries(signed.map((n) => [n, String(req.headers[n])])),
      body: req.body,
      amzDate: String(req.headers['x-amz-date']),
      region: 'eu-west-1',
      service: 'execute-api',
    });
    expect(match?.[3]).toBe(expected);
    expect(req.headers['x-ladder-agent']).toBeUndefined();
  }

  it('lists: a GET under the API’s stage path, signed with the credentials of the environment', async () => {
    answer = { status: 200, body: { tasks: [] } };
    const run = await ladder(['agent', 'list', '--aws', '--api', `${base}/prod/`]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('no open tasks in agent-calls');
    const req = arrived.at(-1) as Arrived;
    expect(req.method).toBe('GET');
    expect(req.url).toBe('/prod/tasks?queue=agent-calls');
    verify(req);
  });

  it('completes: a POST whose body and encoded task id are part of the signature', async () => {
    answer = { status: 200, body: { ok: true } };
    const run = await ladder([
      'agent',
      'complete',
      'L-1#1#D+7',
      '--outcome',
      'NO_ANSWER',
      '--aws',
      '--api',
      `${base}/prod`,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const req = arrived.at(-1) as Arrived;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/prod/tasks/L-1%231%23D%2B7/complete');
    expect(JSON.parse(req.body)).toEqual({ outcome: 'NO_ANSWER' });
    verify(req);
  });

  it("says API Gateway's refusal in one line, exit 2", async () => {
    answer = { status: 403, body: { message: 'User is not authorized to access this resource' } };
    const run = await ladder(['agent', 'claim', 'T-1', '--aws', '--api', `${base}/prod/`]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^ladder: agent claim: User is not authorized to access this resource \(HTTP 403\)$/m,
    );
  });

  it('refuses --aws without --api, and --api without --aws', async () => {
    expect((await ladder(['agent', 'list', '--aws'])).stderr).toMatch(/--aws: give --api/);
    expect((await ladder(['agent', 'list', '--api', base])).stderr).toMatch(/--api is for --aws/);
  });
});
