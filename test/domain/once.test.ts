import { describe, expect, it, vi } from 'vitest';
import { once } from '../../functions/domain/once.js';

describe('once', () => {
  it('makes nothing until first asked, then the same value every time', () => {
    const make = vi.fn(() => ({ made: true }));
    const get = once(make);
    expect(make).not.toHaveBeenCalled();
    const first = get();
    expect(first).toEqual({ made: true });
    expect(get()).toBe(first);
    expect(make).toHaveBeenCalledTimes(1);
  });

  it('keeps a made undefined, and tries again after a failure', () => {
    const none = vi.fn(() => undefined);
    const getNone = once(none);
    getNone();
    getNone();
    expect(none).toHaveBeenCalledTimes(1);

    let calls = 0;
    const flaky = once(() => {
      calls++;
      if (calls === 1) throw new Error('first');
      return calls;
    });
    expect(() => flaky()).toThrow('first');
    expect(flaky()).toBe(2);
    expect(flaky()).toBe(2);
  });
});
