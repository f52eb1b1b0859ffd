/** Handlers take time from a clock, never from Date.now(): locally the clock is simulated. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export const isoUtc = (ms: number): string => new Date(ms).toISOString();
