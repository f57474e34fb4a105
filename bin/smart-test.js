#!/usr/bin/env node
import v8 from 'node:v8';

// A commit hook lives for well under a second. V8 compiles WebAssembly (the tree-sitter parser)
// with its baseline compiler and then recompiles hot functions with the optimising one on the
// same two cores; for a run this short the recompiling costs more than it saves (10 files:
// ~200 ms of parsing instead of ~60 ms). Keep the baseline code.
v8.setFlagsFromString('--liftoff-only');

const { main } = await import('../dist/cli.js');
process.exitCode = await main(process.argv.slice(2));
