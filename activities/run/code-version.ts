import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface CodeVersion {
  name: string;
  version: string;
  gitCommit?: string;
}

let cached: CodeVersion | undefined;

/** The package name and version, and the git commit when the code runs from a checkout (or RG_GIT_COMMIT). */
export function codeVersion(): CodeVersion {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  cached = { name: pkg.name, version: pkg.version, gitCommit: process.env.RG_GIT_COMMIT || gitHead() };
  return cached;
}

function gitHead(): string | undefined {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return head.toString().trim() + (dirty.toString().trim() ? '-dirty' : '');
  } catch {
    return undefined;
  }
}
