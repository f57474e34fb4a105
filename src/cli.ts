import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { SmartTestError } from './errors.js';
import { USAGE, badArguments, badBase, badFormat, badThreshold, baseWithFiles, formatNotForCommand, missingCommand, stageWithBase, unexpectedFailure, unknownCommand } from './report/messages/cli.js';

export const COMMANDS = ['doctor', 'plan', 'run', 'generate', 'check', 'install', 'uninstall'] as const;
export const FORMATS = ['text', 'json', 'github', 'sarif', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];
/** The reviewer formats (GitHub annotations, SARIF, Markdown) go with these commands only. */
const REVIEW_COMMANDS = ['plan', 'check', 'run'] as const;

export interface GlobalOptions {
  config?: string;
  format: Format;
  threshold?: number;
  /** --base REF (plan, check, run): the changes of the branch since it left REF, not the staged ones. */
  base?: string;
  cwd: string;
  /** smart-test's version (package.json), read when asked (SARIF names it). */
  toolVersion: () => string;
}

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

const defaultIo: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env };

/**
 * Parses the arguments, runs one command and returns the exit code. Never throws. Each command
 * is imported when it runs, so a commit hook loads only the code of the command it calls.
 */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  try {
    const { values, positionals } = parseCli(argv);
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (values.version) {
      io.stdout.write(`${readVersion()}\n`);
      return 0;
    }
    const [command, ...rest] = positionals;
    if (!command) throw new SmartTestError(missingCommand(COMMANDS));
    const options: GlobalOptions = {
      config: values.config,
      format: parseFormat(values.format),
      threshold: values.threshold === undefined ? undefined : parseThreshold(values.threshold),
      base: values.base === undefined ? undefined : parseBase(values.base),
      cwd: process.cwd(),
      toolVersion: readVersion,
    };
    const misplaced = misplacedOptions(command, values);
    if (misplaced) throw new SmartTestError(badArguments(misplaced));
    if (options.format !== 'text' && options.format !== 'json' && (COMMANDS as readonly string[]).includes(command) && !(REVIEW_COMMANDS as readonly string[]).includes(command)) {
      throw new SmartTestError(formatNotForCommand(options.format, command, REVIEW_COMMANDS));
    }
    if (options.base !== undefined && command === 'check' && rest.length > 0) throw new SmartTestError(baseWithFiles(options.base, rest));
    if (options.base !== undefined && values.stage === true) throw new SmartTestError(stageWithBase());
    switch (command) {
      case 'doctor':
        if (rest.length > 0) throw new SmartTestError(badArguments(`"doctor" takes no file arguments (got ${rest.join(' ')})`));
        return await (await import('./commands/doctor.js')).runDoctor(options, io);
      case 'plan':
        if (rest.length > 0) throw new SmartTestError(badArguments(`"plan" takes no file arguments (got ${rest.join(' ')})`));
        return await (await import('./commands/plan.js')).runPlan(options, io);
      case 'run':
        if (rest.length > 0) throw new SmartTestError(badArguments(`"run" takes no file arguments (got ${rest.join(' ')}); use "generate" for named files`));
        return await (await import('./commands/run.js')).runRun(options, io, { stage: values.stage === true, execute: values['no-execute'] !== true });
      case 'generate':
        return await (await import('./commands/generate.js')).runGenerate(options, io, { files: rest, all: values.all === true, functions: values.function ?? [], execute: values['no-execute'] !== true });
      case 'check':
        return await (await import('./commands/check.js')).runCheck(options, io, rest);
      case 'install':
      case 'uninstall':
        if (rest.length > 0) throw new SmartTestError(badArguments(`"${command}" takes no file arguments (got ${rest.join(' ')})`));
        return await (await import('./commands/install.js')).runInstall(options, io, { force: values.force === true, uninstall: command === 'uninstall' });
      default:
        throw new SmartTestError(unknownCommand(command, COMMANDS));
    }
  } catch (error) {
    if (error instanceof SmartTestError) {
      io.stderr.write(`smart-test: ${error.message}\n`);
      return error.exitCode;
    }
    const detail = error instanceof Error ? error.message : String(error);
    io.stderr.write(`smart-test: ${unexpectedFailure(detail)}\n`);
    if (io.env.SMART_TEST_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return 2;
  }
}

function parseCli(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        config: { type: 'string' },
        format: { type: 'string' },
        threshold: { type: 'string' },
        base: { type: 'string' },
        stage: { type: 'boolean' },
        'no-execute': { type: 'boolean' },
        all: { type: 'boolean' },
        function: { type: 'string', multiple: true },
        force: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new SmartTestError(badArguments(error instanceof Error ? error.message : String(error)));
  }
}

/** Options that belong to one command only. */
const COMMAND_OPTIONS: Record<string, readonly string[]> = {
  base: REVIEW_COMMANDS,
  stage: ['run'],
  'no-execute': ['run', 'generate'],
  all: ['generate'],
  function: ['generate'],
  force: ['install'],
};

function misplacedOptions(command: string, values: Record<string, unknown>): string | null {
  for (const [option, commands] of Object.entries(COMMAND_OPTIONS)) {
    if (values[option] !== undefined && !commands.includes(command)) return `--${option} goes with ${commands.map((c) => `"${c}"`).join(' and ')}, not "${command}"`;
  }
  return null;
}

function parseFormat(value: string | undefined): Format {
  if (value === undefined) return 'text';
  if ((FORMATS as readonly string[]).includes(value)) return value as Format;
  throw new SmartTestError(badFormat(value, FORMATS));
}

function parseBase(value: string): string {
  if (value.trim() === '' || value.startsWith('-')) throw new SmartTestError(badBase(value));
  return value;
}

function parseThreshold(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) throw new SmartTestError(badThreshold(value));
  return n;
}

export function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
