/**
 * A real S3-compatible server for tests, on 127.0.0.1 and a free port.
 *
 * MinIO is preferred (RG_MINIO_BIN, then `minio` on PATH, then $(go env GOPATH)/bin/minio);
 * otherwise moto (RG_MOTO_BIN, then `moto_server` on PATH). RG_S3_SERVER=minio|moto forces one.
 * When none is installed this throws with the command that installs one: tests never skip silently.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { captureOutput, freePort, stopProcess } from '../../temporal/local-process';
import { accessSync, constants as fsConstants, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createStorage, s3ClientFromEnv, type BlobStore } from '../../activities/storage';

export type S3ServerKind = 'minio' | 'moto';

export interface S3TestServer {
  kind: S3ServerKind;
  /** e.g. http://127.0.0.1:40123 */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  stop(): Promise<void>;
}

const INSTALL_HINT =
  'Install one of:\n' +
  '  MinIO: CGO_ENABLED=0 go install github.com/minio/minio@latest   (lands in ~/go/bin/minio)\n' +
  "  moto:  python3 -m pip install 'moto[server]'                    (provides moto_server)\n" +
  'or point RG_MINIO_BIN / RG_MOTO_BIN at the binary. (scripts/install-test-deps.sh does this.)';

const STARTUP_TIMEOUT_MS = 30_000;
const ACCESS_KEY_ID = 'rgtestadmin';
const SECRET_ACCESS_KEY = 'rgtestadmin-secret';
const REGION = 'us-east-1';

/** Start MinIO or moto and wait until it answers. Call `stop()` when done (e.g. in `after`). */
export async function startS3Server(): Promise<S3TestServer> {
  const forced = process.env.RG_S3_SERVER?.trim().toLowerCase();
  if (forced && forced !== 'minio' && forced !== 'moto') {
    throw new Error(`RG_S3_SERVER must be "minio" or "moto", not "${process.env.RG_S3_SERVER}"`);
  }
  const minio = forced === 'moto' ? undefined : findMinio();
  if (minio) return startMinio(minio);
  const moto = forced === 'minio' ? undefined : findMoto();
  if (moto) return startMoto(moto);
  const wanted = forced ? `the forced server RG_S3_SERVER=${forced}` : 'an S3-compatible server (MinIO or moto)';
  throw new Error(`No S3 test server: could not find ${wanted}.\n${INSTALL_HINT}`);
}

/** The MinIO binary: RG_MINIO_BIN, `minio` on PATH, or $(go env GOPATH)/bin/minio. */
export function findMinio(): string | undefined {
  if (process.env.RG_MINIO_BIN) return requireExecutable(process.env.RG_MINIO_BIN, 'RG_MINIO_BIN');
  const onPath = findOnPath('minio');
  if (onPath) return onPath;
  for (const goBin of [goBinFolder(), path.join(os.homedir(), 'go', 'bin')]) {
    if (goBin && isExecutable(path.join(goBin, 'minio'))) return path.join(goBin, 'minio');
  }
  return undefined;
}

/** The moto server binary: RG_MOTO_BIN or `moto_server` on PATH. */
export function findMoto(): string | undefined {
  if (process.env.RG_MOTO_BIN) return requireExecutable(process.env.RG_MOTO_BIN, 'RG_MOTO_BIN');
  return findOnPath('moto_server');
}

async function startMinio(binary: string): Promise<S3TestServer> {
  const [port, consolePort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rg-minio-'));
  const child = spawn(
    binary,
    ['server', dataDir, '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`],
    {
      env: {
        ...process.env,
        MINIO_ROOT_USER: ACCESS_KEY_ID,
        MINIO_ROOT_PASSWORD: SECRET_ACCESS_KEY,
        MINIO_BROWSER: 'off',
        MINIO_UPDATE: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return waitUntilServing('minio', child, port, '/minio/health/ready', dataDir);
}

async function startMoto(binary: string): Promise<S3TestServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rg-moto-')); // moto keeps data in memory; used as cwd
  const child = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], {
    cwd: dataDir,
    env: { ...process.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return waitUntilServing('moto', child, port, '/moto-api/', dataDir);
}

/**
 * Poll `healthPath` until it answers 200. Rejects with the server's output if it exits first
 * or does not answer within STARTUP_TIMEOUT_MS.
 */
async function waitUntilServing(
  kind: S3ServerKind,
  child: ChildProcess,
  port: number,
  healthPath: string,
  dataDir: string,
): Promise<S3TestServer> {
  const output = captureOutput(child);
  const endpoint = `http://127.0.0.1:${port}`;
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${signal ?? `code ${code}`}`));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await stopProcess(child, 5000);
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) {
      await stop();
      throw new Error(`The ${kind} server (${child.spawnfile}) ${exited} before answering.\nIts output:\n${output()}`);
    }
    if (await answers(`${endpoint}${healthPath}`)) {
      return { kind, endpoint, accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, region: REGION, stop };
    }
    await sleep(100);
  }
  await stop();
  throw new Error(
    `The ${kind} server (${child.spawnfile}) did not answer at ${endpoint}${healthPath} within ${STARTUP_TIMEOUT_MS / 1000}s.\n` +
      `Its output:\n${output()}`,
  );
}

/** True when GET url returns 200. */
async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map((folder) => path.join(folder, name))
    .find(isExecutable);
}

/** $(go env GOPATH)/bin, or undefined when Go is not installed. */
function goBinFolder(): string | undefined {
  try {
    const gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const first = gopath.trim().split(path.delimiter)[0];
    return first ? path.join(first, 'bin') : undefined;
  } catch {
    return undefined;
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function requireExecutable(file: string, variable: string): string {
  if (!isExecutable(file)) throw new Error(`${variable}=${file} is not an executable file.\n${INSTALL_HINT}`);
  return file;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An S3 test server with one bucket created, and a store that reaches it (and file://). */
export async function startS3WithBucket(bucket: string): Promise<{ s3: S3TestServer; store: BlobStore }> {
  const s3 = await startS3Server();
  const env = {
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: s3.region,
  };
  const client = s3ClientFromEnv(env);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  return { s3, store: createStorage({ env }) };
}
