import { describe, expect, it } from 'vitest';
import { challengeOf } from '../../web/desk/cognito.js';

describe("the desk's PKCE code challenge", () => {
  it('is the S256 challenge of RFC 7636 appendix B for its verifier', async () => {
    expect(await challengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });
});
