/**
 * A real Temporal dev server for a test file, with its state in a temporary folder.
 * The CLI comes from $TEMPORAL_CLI, PATH or the project cache (.ci/run installs it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer, type DevServer } from '../../temporal/dev-server';

export async function startTestTemporal(): Promise<DevServer & { stateDir: string }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'rg-temporal-'));
  const server = await startDevServer({ stateDir, log: (l) => console.error(l) });
  return {
    ...server,
    stateDir,
    stop: async () => {
      await server.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `rg-${prefix}-`));
}
