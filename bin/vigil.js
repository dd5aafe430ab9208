#!/usr/bin/env node
// The `vigil` command. Vigil is written in TypeScript; tsx's loader compiles it
// on the fly (cached), so the repository runs without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
