/**
 * Skips for missing components (a developer's laptop without snmpsim, PostgreSQL, agents…): a test may skip
 * with the reason, except under CI=true where every skip becomes a failure (style.md §3.6).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const IN_CI = process.env.CI === 'true';

/** Returns `false` (run the test) or a skip reason; throws under CI. */
export function skipUnless(available: boolean, reason: string): string | false {
  if (available) return false;
  if (IN_CI) throw new Error(`CI=true forbids skipping: ${reason}`);
  return reason;
}

export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** ../shared beside the repository (corpora, real vulnerability data). */
export const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const hasShared = existsSync(SHARED + 'corpus');
