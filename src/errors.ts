/**
 * The one error type smart-test raises for problems with its input: usage, configuration,
 * coverage data, the repository. The CLI prints `message` (one paragraph, no stack trace)
 * and exits with `exitCode` (2). Build messages in src/report/messages/, not inline.
 */
export class SmartTestError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'SmartTestError';
    this.exitCode = exitCode;
  }
}
