/**
 * The workflow code bundle a worker runs in its sandbox. Bundling (webpack) takes seconds, so the
 * bundle is cached under .cache/workflow-bundle, keyed by a hash of the code it is built from.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

const ROOT = resolve(__dirname, '..');
const CACHE_DIR = join(ROOT, '.cache', 'workflow-bundle');
/** Everything a workflow may import lives in these folders (plus the locked dependencies). */
const SOURCE_DIRS = ['workflows', 'temporal', 'activities'];

/**
 * The bundle for the workflow sandbox. `failureConverterPath` (set when payloads are encrypted)
 * is compiled into the bundle, so it is part of the cache key.
 */
export async function loadWorkflowBundle(options: { failureConverterPath?: string } = {}): Promise<{ code: string }> {
  const variant = options.failureConverterPath ? '-encoded-failures' : '';
  const file = join(CACHE_DIR, `${sourceHash()}${variant}.js`);
  if (existsSync(file)) return { code: readFileSync(file, 'utf8') };
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve(join(ROOT, 'workflows')),
    ...(options.failureConverterPath ? { failureConverterPath: options.failureConverterPath } : {}),
    logger: quietLogger,
  });
  mkdirSync(CACHE_DIR, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, code);
  renameSync(temp, file);
  return { code };
}

function sourceHash(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(join(ROOT, 'package-lock.json')));
  for (const file of SOURCE_DIRS.flatMap((d) => listTs(join(ROOT, d))).sort()) {
    hash.update(file).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 24);
}

function listTs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listTs(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
