import { afterEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../functions/domain/errors.js';
import { formatMoney, fromMinor, isCurrency, minorDigits, toMinor } from '../../functions/domain/money.js';

/**
 * Money in minor units: currencies with 0 (JPY), 2 (CNY, USD) and 3 (KWD) minor digits, the amount
 * grammar at its edges, and formatting per locale. The formatted strings are what ICU prints (the
 * KWD one with a no-break space, U+00A0, between code and number).
 *
 * Survivors judged equivalent (money.ts): isCurrency's `/^[A-Z]{3}$/` pre-check mutated away
 * (to false, or without ^ or $), since Intl.supportedValuesOf('currency') lists upper-case
 * three-letter codes only; in toMinor, `|| '0'` mutated to `|| ''`, since Number('') is 0.
 */
describe('minor digits and currency codes', () => {
  it('JPY has 0, CNY and USD 2, KWD 3', () => {
    expect([minorDigits('JPY'), minorDigits('CNY'), minorDigits('USD'), minorDigits('KWD')]).toEqual([
      0, 2, 2, 3,
    ]);
  });

  it('a malformed code is a ValidationError naming it', () => {
    expect(() => minorDigits('US')).toThrow(ValidationError);
    expect(() => minorDigits('US')).toThrow('unknown currency "US"');
  });

  it('isCurrency: ISO 4217 codes only, upper case', () => {
    expect(['CNY', 'JPY', 'KWD'].map(isCurrency)).toEqual([true, true, true]);
    expect(['cny', 'XYZ', 'USDX', 'US', ''].map(isCurrency)).toEqual([false, false, false, false, false]);
  });
});

describe('toMinor', () => {
  it.each([
    ['1234.5', 'CNY', 123450],
    ['1234.56', 'CNY', 123456],
    ['0', 'CNY', 0],
    ['0.5', 'USD', 50],
    ['0.05', 'USD', 5],
    ['100', 'JPY', 100],
    ['1.234', 'KWD', 1234],
    ['1.2', 'KWD', 1200],
    ['1', 'KWD', 1000],
    ['0.001', 'KWD', 1],
    ['123456789012', 'USD', 12345678901200],
  ])('"%s" %s is %i minor units', (amount, currency, minor) => {
    expect(toMinor(amount, currency)).toBe(minor);
  });

  it.each(['-1', '01', '1.', '.5', '1.2345', '1,00', ' 1', '1 ', '1e3', '', '1234567890123456'])(
    '"%s" is not a non-negative decimal string',
    (amount) => {
      expect(() => toMinor(amount, 'USD')).toThrow(`amount "${amount}" is not a non-negative decimal string`);
    },
  );

  it('more decimals than the currency has is refused, naming the currency', () => {
    expect(() => toMinor('1.234', 'USD')).toThrow('amount "1.234" has more than 2 decimal places for USD');
    expect(() => toMinor('1.5', 'JPY')).toThrow('amount "1.5" has more than 0 decimal places for JPY');
    expect(() => toMinor('1.23', 'CNY')).not.toThrow();
  });
});

describe('fromMinor', () => {
  it.each([
    [123450, 'CNY', '1234.50'],
    [5, 'CNY', '0.05'],
    [0, 'CNY', '0.00'],
    [-150, 'CNY', '-1.50'],
    [-5, 'USD', '-0.05'],
    [100, 'JPY', '100'],
    [1234, 'KWD', '1.234'],
    [5, 'KWD', '0.005'],
    [1000, 'KWD', '1.000'],
  ])('%i %s is "%s"', (minor, currency, text) => {
    expect(fromMinor(minor, currency)).toBe(text);
  });
});

describe('formatMoney', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('formats per locale and currency, one after the other (each keeps its own format)', () => {
    expect(formatMoney(123450, 'USD', 'en')).toBe('$1,234.50');
    expect(formatMoney(123450, 'CNY', 'zh-CN')).toBe('¥1,234.50');
    expect(formatMoney(123450, 'CNY', 'en')).toBe('CN¥1,234.50');
    expect(formatMoney(123450, 'USD', 'zh-CN')).toBe('US$1,234.50');
    expect(formatMoney(5000, 'JPY', 'en')).toBe('¥5,000');
    expect(formatMoney(5000, 'JPY', 'zh-CN')).toBe('JP¥5,000');
    expect(formatMoney(1234, 'KWD', 'en')).toBe('KWD\u00a01.234');
    expect(formatMoney(5, 'USD', 'en')).toBe('$0.05');
  });

  it('builds one Intl.NumberFormat per locale and currency, and learns minor digits once per currency', () => {
    const built = vi.spyOn(Intl, 'NumberFormat');
    formatMoney(100, 'EUR', 'en');
    formatMoney(200, 'EUR', 'en');
    minorDigits('EUR');
    // One to learn EUR's digits, one to format in en.
    expect(built).toHaveBeenCalledTimes(2);
    formatMoney(100, 'EUR', 'zh-CN');
    expect(built).toHaveBeenCalledTimes(3);
  });
});
