#!/usr/bin/env node
// npm run bench: times `smart-test plan` on the large synthetic repository from
// ../shared/bench/synth_repo.py (2,000 modules, 17 MB coverage.json, 10 staged files)
// and reports the median wall time next to a bare `node -e 0`: for a commit after the first since
// coverage ran (the usual case), for the first one (coverage.json read whole), and for the first
// run after installing (no code cache). A benchmark, not a test: quote medians; the machine is shared.
//   node scripts/bench-plan.mjs [--runs 15] [--dir /tmp/smart-test-bench-synth] [--rebuild]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, dir: { type: 'string', default: '/tmp/smart-test-bench-synth' }, rebuild: { type: 'boolean', default: false } } });
const runs = Number(values.runs);
const dir = values.dir;
const synth = path.resolve(root, '..', 'shared', 'bench', 'synth_repo.py');
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

if (values.rebuild || !existsSync(path.join(dir, 'coverage.json'))) {
  if (!existsSync(synth)) {
    console.error(`bench: ${synth} not found; it comes with the shared benchmark folder beside the project.`);
    process.exit(2);
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`building ${dir} with ${path.relative(root, synth)} ...`);
  const built = spawnSync(python, [synth, dir], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (built.status !== 0) process.exit(2);
  console.log(built.stdout.trim());
}

function time(cmd, args, cwd, before) {
  before?.();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) {
    console.error(`bench: ${cmd} ${args.join(' ')} exited ${r.status}\n${r.stderr}`);
    process.exit(2);
  }
  return { seconds, stdout: r.stdout };
}

const cli = path.join(root, 'bin', 'smart-test.cjs');
const forgetLayout = () => rmSync(path.join(dir, '.git', 'smart-test'), { recursive: true, force: true });
const codeCache = path.join(root, 'dist', 'code-cache');
// Only plan's code cache: the other commands keep theirs.
const forgetCode = () => {
  for (const name of existsSync(codeCache) ? readdirSync(codeCache) : []) if (name.startsWith('plan-')) rmSync(path.join(codeCache, name), { force: true });
};
const plan = JSON.parse(time(process.execPath, [cli, 'plan', '--format', 'json'], dir).stdout);
console.log(`plan: ${plan.functions.length} touched functions, ${plan.functions.filter((f) => f.selected).length} selected, ${plan.warnings.length} warnings`);

// The variants run in turn, round after round, so that a change in the machine's load hits all alike.
const variants = [
  { label: 'node -e 0', args: ['-e', '0'] },
  { label: 'smart-test plan', args: [cli, 'plan'], note: 'every commit after the first since the coverage run' },
  { label: '  coverage just re-run', args: [cli, 'plan'], before: forgetLayout, note: 'coverage.json read whole, its layout noted' },
  { label: '  first run after install', args: [cli, 'plan'], before: () => (forgetLayout(), forgetCode()), note: 'no code cache either' },
  { label: 'smart-test run --threshold 0', args: [cli, 'run', '--threshold', '0', '--changed-lines', 'ignore'], note: 'the hook command when nothing needs tests: plan + gate' },
];
const samples = variants.map(() => []);
for (const v of variants) time(process.execPath, v.args, dir, v.before); // warm the file cache
for (let i = 0; i < runs; i++) variants.forEach((v, j) => samples[j].push(time(process.execPath, v.args, dir, v.before).seconds));
time(process.execPath, [cli, 'plan'], dir); // leave every cache in place
variants.forEach((v, j) => {
  const s = samples[j].sort((a, b) => a - b);
  const median = s[Math.floor(s.length / 2)];
  console.log(`${v.label.padEnd(28)} median ${median.toFixed(3)} s  (min ${s[0].toFixed(3)}, max ${s.at(-1).toFixed(3)}, ${runs} runs)${v.note ? `  ${v.note}` : ''}`);
});
