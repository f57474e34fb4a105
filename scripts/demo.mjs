#!/usr/bin/env node
// npm run demo: copies examples/demo into a temp directory, makes it a git repository with one
// commit, stages the example change, and runs smart-test there. The checkout stays untouched.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, utimesSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const example = path.join(root, 'examples', 'demo');
const cli = path.join(root, 'bin', 'smart-test.cjs');
const work = mkdtempSync(path.join(tmpdir(), 'smart-test-demo-'));
const git = (...args) => execFileSync('git', ['-c', 'user.name=smart-test demo', '-c', 'user.email=demo@smart-test.invalid', ...args], { cwd: work, stdio: 'pipe' });

cpSync(path.join(example, 'project'), work, { recursive: true });
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-qm', 'shop: first version');
cpSync(path.join(example, 'change'), work, { recursive: true });
git('add', '-A');
cpSync(path.join(example, 'coverage.json'), path.join(work, 'coverage.json'));

// coverage.json was recorded on these very files (scripts/regen-demo-coverage.sh); copying them
// gives them a fresh mtime, which smart-test would rightly call "changed since the coverage run".
// Give them back a time from before the recording, as `cp -p` from the original run would.
const timestamp = JSON.parse(readFileSync(path.join(work, 'coverage.json'), 'utf8')).meta.timestamp;
const measured = new Date(new Date(timestamp).getTime() - 60_000);
for (const file of walk(path.join(work, 'src'))) utimesSync(file, measured, measured);

console.log(`Demo repository: ${work}`);
console.log('Staged change: src/shop/pricing.py (a new freight limit in shipping_cost, a docstring in Cart.total, a new loyalty_points)\n');
for (const args of [['plan'], ['run']]) {
  console.log(`$ smart-test ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: work, stdio: 'inherit' });
  console.log(`(exit code ${result.status})\n`);
  if (result.status === 2) process.exitCode = 2;
}

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* walk(full);
    else yield full;
  }
}
