#!/usr/bin/env node
// The `pinbot` command: runs the TypeScript sources through tsx, like `npm start`.
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2), process.env);
