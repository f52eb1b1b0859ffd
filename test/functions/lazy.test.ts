import { describe, expect, it } from 'vitest';
import { lazily } from '../../functions/adapters/lazy.js';

interface Store {
  put(key: string, value: number): Promise<string>;
}

class Counting implements Store {
  constructor(private readonly prefix: string) {}
  async put(key: string, value: number) {
    return `${this.prefix}${key}=${value}`;
  }
}

describe('lazily', () => {
  it('creates the adapter on the first call only, and passes arguments and results through', async () => {
    let created = 0;
    const store = lazily<Store>(async () => {
      created += 1;
      return new Counting('s3:');
    });
    expect(created).toBe(0);
    // Two calls at once share one creation.
    await expect(Promise.all([store.put('a', 1), store.put('b', 2)])).resolves.toEqual(['s3:a=1', 's3:b=2']);
    await store.put('c', 3);
    expect(created).toBe(1);
  });

  it("rejects with the adapter's own error", async () => {
    const store = lazily<Store>(async () => ({ put: async () => Promise.reject(new TypeError('no')) }));
    await expect(store.put('a', 1)).rejects.toThrow(TypeError);
  });

  it('tries a failed creation again on the next call', async () => {
    let attempts = 0;
    const store = lazily<Store>(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('module failed to load');
      return new Counting('');
    });
    await expect(store.put('a', 1)).rejects.toThrow('module failed to load');
    await expect(store.put('a', 1)).resolves.toBe('a=1');
    expect(attempts).toBe(2);
  });
});
