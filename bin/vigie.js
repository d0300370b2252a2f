#!/usr/bin/env node
// Launcher: runs the TypeScript entry point through tsx (a runtime dependency), so `npx vigie` works from a clone.
import { register } from 'tsx/esm/api';
register();
await import('../server/cli/main.ts');
