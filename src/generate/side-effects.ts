/**
 * Visible side effects a function's own source shows: processes, network, environment. Such
 * functions are not run to learn their results (their tests are written statically). File
 * writes are left to the probe, which lets a run write inside its tmp_path and blocks (and
 * reports) every write elsewhere, as it blocks these effects when they hide in callees.
 */
const PATTERNS: Array<[RegExp, string]> = [
  [/\bsubprocess\.|\bos\.(system|popen|exec\w*|spawn\w*|fork|kill)\s*\(/, 'starts processes'],
  [/\b(requests|httpx|urllib\.request|urllib3|http\.client|aiohttp|socket|smtplib|ftplib)\.\w+\s*\(|\burlopen\s*\(/, 'uses the network'],
  [/\bos\.environ\s*(\[[^\]]*\]\s*=(?!=)|\.(pop|update|setdefault|clear)\s*\()|\bos\.(putenv|unsetenv)\s*\(/, 'changes os.environ'],
];

export function sideEffectOf(functionSource: string): string | null {
  const code = functionSource.replace(/#.*$/gm, '');
  for (const [pattern, what] of PATTERNS) if (pattern.test(code)) return what;
  return null;
}
