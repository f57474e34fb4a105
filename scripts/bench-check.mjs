#!/usr/bin/env node
// Times `smart-test check` (the placeholder gate a commit hook runs) on a temp repository with
// 20 staged test files (~160 lines each) and reports median wall times next to a bare
// `node -e 0`, in three cases: a clean commit (no file holds the placeholder text: nothing is
// parsed), a blocked one (one file holds it in a string: that file is parsed), and the worst
// case (every file mentions it, in a comment: all 20 are parsed). A benchmark, not a test:
// quote medians; the machine is shared. Needs a build (npm run build).
//   node scripts/bench-check.mjs [--runs 21] [--files 20] [--keep]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'bin', 'smart-test.cjs');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' }, files: { type: 'string', default: '20' }, keep: { type: 'boolean', default: false } } });
const runs = Number(values.runs);
const fileCount = Number(values.files);

const env = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@invalid' };
for (const key of Object.keys(env)) if (key.startsWith('GIT_') && !key.startsWith('GIT_AUTHOR_') && !key.startsWith('GIT_COMMITTER_')) delete env[key];

function testFile(i, withPlaceholder) {
  const lines = ['import pytest', `from pkg.mod${i} import compute, Thing`, ''];
  for (let t = 0; t < 12; t++) {
    lines.push(
      `def test_compute_${t}():`,
      `    """compute() with case ${t}."""`,
      `    result = compute(${t}, name=f"case-{${t}}", flags=["a", "b"])`,
      `    assert result == ${t * 2}`,
      `    assert isinstance(result, int)`,
      '',
    );
  }
  lines.push('class TestThing:', '    @pytest.mark.parametrize("value", [1, 2, 3])', '    def test_size(self, value):');
  if (withPlaceholder === 'string') lines.push('        assert Thing("test_value").size(value) == value');
  else if (withPlaceholder === 'comment') lines.push('        assert Thing("x").size(value) == value  # was test_value');
  else lines.push('        assert Thing("x").size(value) == value');
  for (let t = 0; t < 40; t++) lines.push(`    def test_more_${t}(self):`, `        assert Thing("t${t}").name == "t${t}"`);
  return `${lines.join('\n')}\n`;
}

const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'smart-test-bench-check-')));
const git = (...args) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' });
git('init', '-q', '-b', 'main');
mkdirSync(path.join(dir, 'tests'));
mkdirSync(path.join(dir, 'pkg'));
writeFileSync(path.join(dir, 'pkg', '__init__.py'), '');
git('add', '-A');
git('commit', '-q', '--allow-empty', '-m', 'init');
function stage(kind) {
  for (let i = 0; i < fileCount; i++) {
    const mention = kind === 'all' ? 'comment' : kind === 'one' && i === fileCount - 1 ? 'string' : null;
    writeFileSync(path.join(dir, 'tests', `test_mod${i}.py`), testFile(i, mention));
  }
  git('add', '-A');
}

function time(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 && r.status !== 1) {
    console.error(`bench: ${cmd} ${args.join(' ')} exited ${r.status}\n${r.stderr}`);
    process.exit(2);
  }
  return { seconds, stdout: r.stdout, status: r.status };
}

function measure(label, cmd, args) {
  time(cmd, args); // warm the file cache
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(time(cmd, args).seconds);
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  console.log(`${label.padEnd(34)} median ${median.toFixed(3)} s  (min ${samples[0].toFixed(3)}, max ${samples.at(-1).toFixed(3)}, ${runs} runs)`);
  return median;
}

try {
  const files = Array.from({ length: fileCount }, (_, i) => `tests/test_mod${i}.py`);
  const base = measure('node -e 0', process.execPath, ['-e', '0']);
  measure('smart-test --help (CLI load)', process.execPath, [cli, '--help']);
  const results = [];
  for (const [kind, label] of [['none', 'clean'], ['one', 'one placeholder'], ['all', 'all 20 parsed']]) {
    stage(kind);
    const json = JSON.parse(time(process.execPath, [cli, 'check', '--format', 'json']).stdout);
    console.log(`-- ${label}: ${json.filesChecked} staged test files, ${json.placeholders.length} placeholder(s)`);
    const staged = measure(`check, ${fileCount} staged (${label})`, process.execPath, [cli, 'check']);
    const onDisk = measure(`check FILE x${fileCount} (${label})`, process.execPath, [cli, 'check', ...files]);
    results.push(`${label}: +${(staged - base).toFixed(3)} s staged, +${(onDisk - base).toFixed(3)} s files`);
  }
  console.log(`over node -e 0: ${results.join('; ')}`);
} finally {
  if (values.keep) console.log(`repository kept: ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
