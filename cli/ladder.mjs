#!/usr/bin/env node
// `npx ladder …` from the checkout: runs the TypeScript CLI through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../bin/ladder.ts');
