import { createHash } from 'node:crypto';

/**
 * A number in [0, 1) drawn from a text: the same text gives the same number on every machine and
 * every run, so a redelivered event, a replay or a simulation draws what production drew.
 */
export const draw = (text: string): number =>
  createHash('sha256').update(text).digest().readUInt32BE(0) / 2 ** 32;
