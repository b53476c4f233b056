#!/usr/bin/env node
// The `pinbot` command: runs the TypeScript sources through tsx, like `npm start`.
import { register } from 'tsx/esm/api';

register();
const { runAsProcess } = await import('../src/main.ts');
runAsProcess();
