#!/usr/bin/env node
// Builds dist/cli.js: one ESM bundle of src/ and its small dependencies. A commit hook starts
// Node on every commit, and loading zod and simple-git from hundreds of files costs ~200 ms
// more than loading them from one bundle. web-tree-sitter stays external: it locates its
// wasm files next to itself. The probe script runs in the project's Python and ships beside
// the bundle.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
await build({
  entryPoints: [path.join(root, 'src', 'cli.ts')],
  outdir: dist,
  // Dynamic imports (cosmiconfig, only when a config file exists) become chunks loaded on demand.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // typescript: cosmiconfig loads it only for .ts config files, which smart-test does not search for.
  external: ['web-tree-sitter', 'tree-sitter-python', 'typescript'],
  // CommonJS dependencies inside an ESM bundle still call require() for Node's builtins.
  banner: { js: "import { createRequire as __smartTestCreateRequire } from 'node:module';\nconst require = __smartTestCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'none',
});
copyFileSync(path.join(root, 'src', 'generate', 'probe.py'), path.join(dist, 'probe.py'));
