/**
 * The pages' security headers, one definition for both hosts: CloudFront's response-headers policy
 * (lib/pages-hosting.ts) and `ladder serve` (local/pages.ts). No inline script or style, no third
 * party: everything the pages load comes from their own origin, the API included (`/api/...`).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

/** The other headers every answer carries (CloudFront sets the same through its security headers). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
};
