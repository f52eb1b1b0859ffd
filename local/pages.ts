import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { SECURITY_HEADERS } from '../web/headers.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * `ladder serve`'s static host for the built pages (web/build.ts), as CloudFront serves them from S3:
 * a path ending in `/` is its index.html (CloudFront's viewer-request function does the same), only
 * files inside `root`, the security headers on every answer. Returns false when no page file matches.
 */
export async function servePage(root: string, pathname: string, res: ServerResponse): Promise<boolean> {
  const relative = pathname.endsWith('/') ? `${pathname}index.html` : pathname;
  const file = path.resolve(root, `.${decodeURIComponent(relative)}`);
  if (!file.startsWith(path.resolve(root) + path.sep)) return false;
  const type = TYPES[path.extname(file)];
  if (!type) return false;
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch {
    return false;
  }
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-cache' });
  res.end(content);
  return true;
}
