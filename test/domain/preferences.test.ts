import { describe, expect, it } from 'vitest';
import { contactWindowFor, isWindow, NAMED_WINDOWS, windowName } from '../../functions/domain/preferences.js';

const CN = { start: '08:00', end: '22:00' };
const US = { start: '08:00', end: '21:00' };

describe('preferred contact hours against the rule pack', () => {
  it('takes the later start and the earlier end', () => {
    expect(contactWindowFor(CN, { start: '18:30', end: '23:00' })).toEqual({
      window: { start: '18:30', end: '22:00' },
      preferred: true,
    });
    expect(contactWindowFor(US, { start: '06:00', end: '09:15' })).toEqual({
      window: { start: '08:00', end: '09:15' },
      preferred: true,
    });
    expect(contactWindowFor(US, NAMED_WINDOWS.EVENING)).toEqual({
      window: { start: '17:00', end: '21:00' },
      preferred: true,
    });
  });

  it("uses the pack's hours alone when the two do not overlap, or touch only at an end", () => {
    expect(contactWindowFor(US, { start: '21:00', end: '23:00' })).toEqual({
      window: US,
      preferred: false,
      note: 'NO_OVERLAP',
    });
    expect(contactWindowFor(CN, { start: '05:00', end: '08:00' }).window).toEqual(CN);
  });

  it("is the pack's hours with no preference, or one wider than the pack", () => {
    expect(contactWindowFor(CN, undefined)).toEqual({ window: CN, preferred: false });
    expect(contactWindowFor(US, { start: '07:00', end: '23:00' })).toEqual({ window: US, preferred: false });
  });

  it('names the page choices and nothing else', () => {
    expect(windowName({ start: '12:00', end: '17:00' })).toBe('AFTERNOON');
    expect(windowName(undefined)).toBe('ANY');
    expect(windowName({ start: '12:00', end: '17:30' })).toBe('CUSTOM');
    expect(isWindow({ start: '09:00', end: '09:01' })).toBe(true);
    expect(isWindow({ start: '22:00', end: '06:00' })).toBe(false);
  });
});
