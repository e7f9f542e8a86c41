/** The pids of this test process's direct children (to check a test left nothing running). */
import { execFileSync } from 'node:child_process';

export function childPids(): string[] {
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
}
