#!/usr/bin/env node
'use strict';
// smart-test's command: loads the bundle (dist/cli.cjs, built by scripts/build.mjs) and runs it.
//
// A commit hook starts Node on every commit, so this file does what `require` would do, plus
// V8's code cache: compiling the bundle's functions costs a commit ~50 ms, and the code V8
// compiled during a run of a command is kept in dist/code-cache/ and handed back to V8 on the
// next run of that command. A cache file is named after the command, Node's version and the
// bundle's size and mtime, so a rebuilt bundle or another Node never reads a stale one (V8
// also rejects data it did not make for this source and these flags). Writing is best effort:
// a read-only installation just compiles every time. SMART_TEST_NO_CODE_CACHE=1 turns it off.
const v8 = require('node:v8');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

// A hook run lives for well under a second. V8 compiles WebAssembly (the tree-sitter parser)
// with its baseline compiler and then recompiles hot functions with the optimising one on the
// same two cores; for a run this short the recompiling costs more than it saves. Set before
// anything is compiled: the code cache is only valid for the flags it was made with.
// Long runs (`plan --all`, `generate`: hundreds of modules to parse) are the other way round:
// there the optimised parser pays for its compiling many times over.
const cliArgs = process.argv.slice(2);
const longRun = cliArgs.includes('--all') || cliArgs.find((a) => !a.startsWith('-')) === 'generate';
if (!longRun) v8.setFlagsFromString('--liftoff-only');

const bundle = path.join(__dirname, '..', 'dist', 'cli.cjs');
const cacheDir = path.join(__dirname, '..', 'dist', 'code-cache');

function cacheFileFor(args, stat) {
  if (process.env.SMART_TEST_NO_CODE_CACHE === '1') return null;
  const command = args.find((a) => !a.startsWith('-')) ?? 'none';
  const name = /^[a-z][a-z-]{0,19}$/.test(command) ? command : 'other';
  const flags = longRun ? '-opt' : '';
  return path.join(cacheDir, `${name}${flags}-node${process.version}-${process.arch}-${stat.size}-${Math.floor(stat.mtimeMs)}.bin`);
}

function readCache(file) {
  if (file === null) return undefined;
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the code V8 compiled so far (atomically); older caches of the same command go. Returns null, or why it could not. */
function writeCache(file, script) {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(temporary, script.createCachedData());
    fs.renameSync(temporary, file);
    const prefix = `${path.basename(file).split('-node')[0]}-node`;
    for (const old of fs.readdirSync(cacheDir)) {
      if (old.startsWith(prefix) && old !== path.basename(file) && old.endsWith('.bin')) fs.rmSync(path.join(cacheDir, old), { force: true });
    }
    return null;
  } catch (error) {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // a read-only installation: nothing to clean up, nothing cached
    }
    return error.code ?? String(error);
  }
}

function load(args) {
  let stat;
  try {
    stat = fs.statSync(bundle);
  } catch {
    process.stderr.write(
      `smart-test: ${bundle} is missing, so smart-test cannot run. It is built by \`npm run build\` (which \`npm install\` runs through the prepare script); reinstall smart-test, or run \`npm run build\` in its folder.\n`,
    );
    process.exit(2);
  }
  const cacheFile = cacheFileFor(args, stat);
  const cached = readCache(cacheFile);
  const script = new vm.Script(Module.wrap(fs.readFileSync(bundle, 'utf8')), { filename: bundle, cachedData: cached });
  const module = new Module(bundle, null);
  module.filename = bundle;
  module.paths = Module._nodeModulePaths(path.dirname(bundle));
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(bundle), module, bundle, path.dirname(bundle));
  /** Writes the cache when there was none or V8 rejected it; says what happened (SMART_TEST_TIMING=1 prints it). */
  const save = () => {
    if (cacheFile === null) return 'off';
    if (cached !== undefined && !script.cachedDataRejected) return 'used';
    const failed = writeCache(cacheFile, script);
    const done = cached === undefined ? 'written' : 'rejected, rewritten';
    return failed === null ? done : `not written (${failed})`;
  };
  return { main: module.exports.main, save };
}

// A reader that stops reading early (`smart-test generate --all 2>&1 | head`): what is written
// after goes nowhere, and the run still finishes as it would, ending its probe processes and
// removing its temporary folders, instead of dying on the first write at EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const args = process.argv.slice(2);
const { main, save } = load(args);
main(args).then((code) => {
  process.exitCode = code;
  const status = save();
  if (process.env.SMART_TEST_TIMING === '1') process.stderr.write(`smart-test code cache: ${status}\n`);
});
