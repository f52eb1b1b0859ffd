import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

/** The web sources (this folder) and where `npm run build:web` writes the built pages (gitignored). */
export const WEB_ROOT = path.dirname(fileURLToPath(import.meta.url));
export const WEB_OUT = path.join(WEB_ROOT, '..', 'dist', 'web');

/**
 * The pages and the URL path each is served under: `/b/` the borrower's page (short, it goes in SMS);
 * `/desk/` the agent's desk. Each is an index.html plus one script and one stylesheet, no inline code,
 * so that the Content-Security-Policy `default-src 'self'` holds (docs/pages.md).
 */
export const PAGES = [
  { source: 'borrower', path: 'b' },
  { source: 'desk', path: 'desk' },
] as const;

/**
 * Builds every page into `outdir` (emptied first): minified ES2020 modules, Preact's automatic JSX.
 * Synchronous (about 0.1 s) because CDK's local asset bundling (lib/pages-hosting.ts) is.
 */
export function buildWeb(outdir: string = WEB_OUT): string {
  rmSync(outdir, { recursive: true, force: true });
  for (const page of PAGES) {
    const target = path.join(outdir, page.path);
    mkdirSync(target, { recursive: true });
    buildSync({
      entryPoints: [path.join(WEB_ROOT, page.source, 'main.tsx')],
      outfile: path.join(target, 'main.js'),
      bundle: true,
      format: 'esm',
      target: 'es2020',
      minify: true,
      jsx: 'automatic',
      jsxImportSource: 'preact',
      legalComments: 'none',
      logLevel: 'silent',
    });
    copyFileSync(path.join(WEB_ROOT, page.source, 'index.html'), path.join(target, 'index.html'));
  }
  return outdir;
}
