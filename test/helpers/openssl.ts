/** Whether the `openssl` command runs here (tests that compare with it skip, saying so, when it does not). */
import { execFileSync } from 'node:child_process';

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
