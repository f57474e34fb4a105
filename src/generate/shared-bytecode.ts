import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The run's folder for the compiled code of the project's modules, shared by its probe processes
 * (the first probe's, the stable-test checks'): each imports the same modules in a new
 * interpreter, and without __pycache__ in the project each compiled them again
 * (smart_test_probe/bytecode.py). Made when first asked for (mode 0700, as mkdtemp makes it),
 * removed at the end of the run; null when it cannot be made (every process then compiles).
 */
export class SharedBytecode {
  private folder: Promise<string | null> | null = null;

  path(): Promise<string | null> {
    const folder = (this.folder ??= mkdtemp(path.join(tmpdir(), 'smart-test-bytecode-')).then((made) => realpath(made), () => null));
    return folder;
  }

  async dispose(): Promise<void> {
    const folder = this.folder ? await this.folder : null;
    this.folder = null;
    if (folder) await rm(folder, { recursive: true, force: true });
  }
}
