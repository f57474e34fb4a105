#!/usr/bin/env node
// Builds dist/cli.cjs: one CommonJS bundle of src/ and its small dependencies, loaded by
// bin/smart-test.cjs. A commit hook starts Node on every commit: loading zod and simple-git
// from hundreds of files costs ~200 ms more than one bundle, and CommonJS skips the ESM
// loader (~10 ms) and lets the bin hand V8 its code cache. Modules imported dynamically stay
// lazy inside the bundle (their top-level code runs on first import). web-tree-sitter is
// bundled too and told where its wasm file is (src/python/parser.ts); the Python grammar's
// wasm is read from the installed tree-sitter-python. The probe script runs in the project's
// Python and ships beside the bundle, with its package (smart_test_probe/: its .py files only).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const outfile = path.join(dist, 'cli.cjs');

/**
 * Bundles a package's CommonJS build even where the sources import() it. web-tree-sitter's ESM
 * build gets `require` from `await import("module")` into a local variable named `require`,
 * which a CommonJS bundle cannot express.
 */
function commonJsBuildOf(name) {
  const file = createRequire(import.meta.url).resolve(name);
  const filter = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return { name: `cjs-${name}`, setup: (b) => b.onResolve({ filter }, () => ({ path: file })) };
}
/** What the CLI bundle and the parse worker's bundle share. */
const common = {
  minify: process.env.SMART_TEST_BUILD_READABLE !== '1',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // typescript: cosmiconfig loads it only for .ts config files, which smart-test does not search for.
  external: ['tree-sitter-python', 'typescript'],
  // import() of what stays outside the bundle (Node's builtins) becomes require(): see below.
  supported: { 'dynamic-import': false },
  plugins: [commonJsBuildOf('web-tree-sitter')],
  // The sources are ESM and locate files beside themselves with import.meta.url.
  define: { 'import.meta.url': '__smartTestModuleUrl' },
  banner: { js: "const __smartTestModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
  legalComments: 'none',
};
await build({ ...common, entryPoints: [path.join(root, 'src', 'cli.ts')], outfile });
// The bin compiles the bundle with vm.Script (for the code cache), where import() has no
// loader: every module must be reached with require.
const dynamic = [...readFileSync(outfile, 'utf8').matchAll(/\bimport\(\s*["'`]?([^"'`)]*)/g)].map((m) => m[1]);
if (dynamic.length > 0) {
  console.error(`build: dist/cli.cjs still calls import() (${dynamic.join(', ')}), which fails where the bin runs it.`);
  process.exit(1);
}
// plan --all parses many modules in worker threads (src/pipeline/parse-pool.ts): their script.
await build({ ...common, entryPoints: [path.join(root, 'src', 'pipeline', 'parse-worker.ts')], outfile: path.join(dist, 'parse-worker.cjs') });
copyFileSync(path.join(root, 'src', 'generate', 'probe.py'), path.join(dist, 'probe.py'));
const probePackage = path.join(root, 'src', 'generate', 'smart_test_probe');
mkdirSync(path.join(dist, 'smart_test_probe'));
for (const name of readdirSync(probePackage).filter((file) => file.endsWith('.py')).sort()) {
  copyFileSync(path.join(probePackage, name), path.join(dist, 'smart_test_probe', name));
}
