/**
 * The message a phone line's pseudonym is the HMAC of (under the line key): versioned, so a later
 * scheme cannot collide with this one. Intake makes it for the loan record's number, the borrower API
 * for a number the borrower corrected and verified.
 */
export const lineMessage = (phone: string): string => `ladder-line-v1\n${phone}`;
