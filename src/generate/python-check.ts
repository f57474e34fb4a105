import { spawn } from 'node:child_process';

/**
 * Questions about Python source that only Python answers exactly, asked of the project's Python
 * in one short process: does each snippet compile, and are two literal reprs equal values (a set
 * of strings prints in hash order: `{'b', 'a'} == {'a', 'b'}`). No user code runs: snippets are
 * compiled, never executed, and reprs go through ast.literal_eval only.
 */
export interface PythonChecks {
  /** Sources to compile() in exec mode. */
  compile: string[];
  /** Pairs of literal reprs to compare with ast.literal_eval(a) == ast.literal_eval(b). */
  equal: Array<[string, string]>;
}

export interface PythonCheckAnswers {
  /** Per snippet: null when it compiles, else "SyntaxError: message (line N)". */
  compile: Array<string | null>;
  equal: boolean[];
}

const SCRIPT = [
  'import ast, json, sys',
  'req = json.loads(sys.stdin.buffer.read().decode("utf-8"))',
  'def comp(src):',
  '    try:',
  '        compile(src, "<generated test>", "exec", dont_inherit=True)',
  '        return None',
  '    except (SyntaxError, ValueError) as exc:',
  '        line = getattr(exc, "lineno", None)',
  '        return "%s: %s%s" % (type(exc).__name__, getattr(exc, "msg", None) or exc, " (line %d)" % line if line else "")',
  'def same(a, b):',
  '    try:',
  '        return bool(ast.literal_eval(a) == ast.literal_eval(b))',
  '    except Exception:',
  '        return False',
  'out = {"compile": [comp(s) for s in req["compile"]], "equal": [same(a, b) for a, b in req["equal"]]}',
  'sys.stdout.write(json.dumps(out))',
].join('\n');

/** Rejects when Python cannot be run or answers nonsense; the caller decides what that means. */
export function checkWithPython(python: string, checks: PythonChecks, timeoutMs = 30_000): Promise<PythonCheckAnswers> {
  if (checks.compile.length === 0 && checks.equal.length === 0) return Promise.resolve({ compile: [], equal: [] });
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-I', '-B', '-c', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (err.length < 4000) err += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${python}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        if (code !== 0) throw new Error(err.trim().split('\n').pop() ?? `exit status ${code}`);
        const answer = JSON.parse(Buffer.concat(out).toString('utf8')) as PythonCheckAnswers;
        if (!Array.isArray(answer.compile) || answer.compile.length !== checks.compile.length || !Array.isArray(answer.equal) || answer.equal.length !== checks.equal.length) {
          throw new Error('an answer of the wrong shape');
        }
        resolve(answer);
      } catch (error) {
        reject(new Error(`${python} could not check the generated tests: ${error instanceof Error ? error.message : String(error)}`));
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify(checks));
  });
}
