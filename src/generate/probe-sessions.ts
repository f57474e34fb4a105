/**
 * The probe sessions of one generation run (probe-process.ts ProbeSession): the first probe of a
 * group of modules leaves its process running, and the run's later requests for the same
 * modules (iterators consumed, search rounds) are answered by it without starting Python and
 * importing the modules again. Each session has the folder its requests run in (their cwd and
 * tmp path), removed when the run closes its sessions.
 *
 * Whether a request finds its session's process still running changes nothing in its answer:
 * every target runs in a child forked from a probe that has only imported the modules, as a
 * new process would; only the time it takes differs.
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ProbeSession } from './probe-process.js';

/** Sessions kept waiting for another request at most; the least recently used beyond it ends. */
const MAX_IDLE_SESSIONS = 4;

export interface ProbeLease {
  /** The folder the request runs in. */
  work: string;
  /** The session to run it in; none when the group's session is busy with another request. */
  session: ProbeSession | null;
  /** Gives the lease back (the session waits for the next request; a folder of its own is removed). */
  release(): Promise<void>;
}

interface Kept {
  session: ProbeSession;
  work: string;
  busy: boolean;
  used: number;
}

export class ProbeSessions {
  private readonly kept = new Map<string, Kept>();
  private clock = 0;

  constructor(
    private readonly python: string,
    private readonly env: NodeJS.ProcessEnv,
    /** The run's folder for the project's compiled modules (shared-bytecode.ts), passed in each request. */
    readonly bytecodePath: string | null = null,
  ) {}

  /** A lease for a request on `modules` (one group's). */
  async lease(modules: readonly string[]): Promise<ProbeLease> {
    const key = [...new Set(modules)].sort().join('\n');
    let kept = this.kept.get(key);
    if (kept?.busy) {
      const work = await newWork();
      return { work, session: null, release: () => rm(work, { recursive: true, force: true }) };
    }
    if (!kept) {
      // Loaded only when something is to be run, as probe.ts is (it builds the probe's zod schemas).
      const { ProbeSession } = await import('./probe-process.js');
      kept = { session: new ProbeSession(this.python, this.env), work: await newWork(), busy: false, used: 0 };
      this.kept.set(key, kept);
    }
    const held = kept;
    held.busy = true;
    held.used = ++this.clock;
    return {
      work: held.work,
      session: held.session,
      release: async () => {
        held.busy = false;
        await this.trim();
      },
    };
  }

  /** Ends every session's process and removes their folders. */
  async close(): Promise<void> {
    const all = [...this.kept.values()];
    this.kept.clear();
    await Promise.all(all.map(async (kept) => {
      await kept.session.close();
      await rm(kept.work, { recursive: true, force: true });
    }));
  }

  private async trim(): Promise<void> {
    const idle = [...this.kept].filter(([, kept]) => !kept.busy).sort((a, b) => a[1].used - b[1].used);
    for (const [key, kept] of idle.slice(0, Math.max(0, idle.length - MAX_IDLE_SESSIONS))) {
      this.kept.delete(key);
      await kept.session.close();
      await rm(kept.work, { recursive: true, force: true });
    }
  }
}

async function newWork(): Promise<string> {
  return realpath(await mkdtemp(path.join(tmpdir(), 'smart-test-probe-')));
}
