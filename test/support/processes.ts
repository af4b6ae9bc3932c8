import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const RG_BIN = join(__dirname, '..', '..', 'bin', 'rg.cjs');

export interface RgProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Run `rg <args>` as a separate process, collecting its output. */
export function spawnRg(args: string[], env: NodeJS.ProcessEnv = {}): RgProcess {
  const child = spawn(process.execPath, [RG_BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (c) => (text += c));
  child.stderr!.on('data', (c) => (text += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

/** Wait until `predicate` holds, polling every `intervalMs`; fail after `timeoutMs` with `what`. */
export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 60_000, intervalMs = 50) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}
