#!/usr/bin/env node
// The `madang` command (package.json `bin`). Node 20 cannot run TypeScript by itself, so register
// tsx's loader first and then hand over to the TypeScript CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli.ts');
process.exitCode = await main(process.argv);
