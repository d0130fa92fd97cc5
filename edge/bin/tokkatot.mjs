#!/usr/bin/env node
// The `tokkatot` command: runs the TypeScript CLI through tsx (the edge has no build step).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
