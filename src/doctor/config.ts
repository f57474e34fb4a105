/**
 * `smart-test doctor`: the configuration file, found and valid. An invalid file is an error
 * carrying the loader's own message (config/load.ts); the other checks then run with the
 * defaults rather than stopping.
 */
import { loadConfig } from '../config/load.js';
import { defaultConfig } from '../config/defaults.js';
import type { Config } from '../config/model.js';
import { displayPath } from '../coverage/paths.js';
import { SmartTestError } from '../errors.js';
import { doctorText as t } from '../report/messages/doctor.js';
import { error, ok, type Check } from './model.js';

export async function configCheck(opts: { cwd: string; root: string; explicitPath?: string | undefined }): Promise<{ check: Check; config: Config }> {
  try {
    const { config, source } = await loadConfig({ cwd: opts.cwd, repoRoot: opts.root, explicitPath: opts.explicitPath });
    return { check: ok('config', source === null ? t.configDefaults : t.configFound(displayPath(source, opts.cwd))), config };
  } catch (err) {
    if (!(err instanceof SmartTestError)) throw err;
    return { check: error('config', t.configInvalid(err.message), t.configInvalidFix(opts.explicitPath ?? null)), config: defaultConfig() };
  }
}
