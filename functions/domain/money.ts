import { ValidationError } from './errors.js';
import { once } from './once.js';

/**
 * Money is kept in minor units (cents, fen) as integers: decimal strings in, integers inside,
 * so no floating-point error reaches a balance. Currencies with 0 or 3 minor digits are handled by
 * asking Intl how many fraction digits the currency has.
 */
const AMOUNT = /^(?:0|[1-9]\d{0,14})(?:\.(\d{1,3}))?$/;

// Building an Intl.NumberFormat costs far more than using one, and every notice formats money:
// both are kept per currency (and locale). A few dozen currencies at most, so no eviction.
const digitsByCurrency = new Map<string, number>();
const formats = new Map<string, Intl.NumberFormat>();

export function minorDigits(currency: string): number {
  const known = digitsByCurrency.get(currency);
  if (known !== undefined) return known;
  let digits: number;
  try {
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
  } catch {
    throw new ValidationError(`unknown currency "${currency}"`);
  }
  digitsByCurrency.set(currency, digits);
  return digits;
}

// Intl lists about 300 codes, a new array at every call: kept as a set, made on first use.
const currencies = once(() => new Set(Intl.supportedValuesOf('currency')));

export function isCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  return currencies().has(code);
}

/** "1234.50" in CNY -> 123450. Throws ValidationError for malformed, negative or over-precise amounts. */
export function toMinor(amount: string, currency: string): number {
  const match = AMOUNT.exec(amount);
  if (!match) throw new ValidationError(`amount "${amount}" is not a non-negative decimal string`);
  const digits = minorDigits(currency);
  const fraction = match[1] ?? '';
  if (fraction.length > digits) {
    throw new ValidationError(`amount "${amount}" has more than ${digits} decimal places for ${currency}`);
  }
  const [whole] = amount.split('.');
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

/** 123450 in CNY -> "1234.50" (the canonical decimal string, for events and records). */
export function fromMinor(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 10 ** digits);
  const fraction = String(abs % 10 ** digits).padStart(digits, '0');
  return `${sign}${whole}.${fraction}`;
}

/** 123450 CNY in zh-CN -> "¥1,234.50"; 123450 USD in en -> "$1,234.50". */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const digits = minorDigits(currency);
  const key = `${locale}|${currency}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formats.set(key, format);
  }
  return format.format(minor / 10 ** digits);
}
