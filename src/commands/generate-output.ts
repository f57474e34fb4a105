import type { GenerationResult } from '../generate/engine.js';
import { displayFromCwd } from '../report/plan-output.js';
import type { Style } from '../report/style.js';

/** The progress line generation prints on stderr when it is slow; none unless the output is text. */
export function progressWriter(format: string, stderr: NodeJS.WritableStream, style: Style): ((line: string) => void) | undefined {
  return format === 'text' ? (line) => stderr.write(`${style.dim(`smart-test: ${line}...`)}\n`) : undefined;
}

/** JSON of what generation did, added to the plan object. */
export function generationJson(result: GenerationResult): Record<string, unknown> {
  return {
    written: result.written,
    generated: result.targets.map((t) => ({ file: t.file, qualname: t.qualname, testFile: t.testFile, status: t.status, tests: t.tests, placeholders: t.placeholders, detail: t.detail, targetLines: t.targetLines, unreachedLines: t.unreachedLines })),
    python: result.python,
  };
}

/** One line per target that generation looked at, `path:line:col:`-style where the test lives. */
export function generationLines(result: GenerationResult, repoRoot: string, cwd: string, style: Style): string[] {
  return result.targets.map((t) => {
    const where = t.testFile ? displayFromCwd(repoRoot, cwd, t.testFile) : displayFromCwd(repoRoot, cwd, t.file);
    const label = t.status === 'written' ? style.green('wrote') : t.status === 'edited' ? style.yellow('kept') : t.status === 'unchanged' ? style.dim('unchanged') : style.yellow('no test');
    const ph = t.placeholders > 0 ? style.yellow(` (${t.placeholders} with a placeholder to replace)`) : '';
    return `${style.bold(`${where}:1:1:`)} ${style.cyan(t.qualname)} ${label}: ${t.detail}${ph}`;
  });
}
