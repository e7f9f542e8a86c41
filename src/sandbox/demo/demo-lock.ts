/** One demo at a time per state directory: a lock file holding the running demo's pid. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

export class DemoAlreadyRunningError extends Error {
  constructor(readonly pid: number, readonly lockFile: string) {
    super(`a demo is already running (pid ${pid}, lock ${lockFile}): stop it with Ctrl-C in its terminal (or kill ${pid}) first`);
    this.name = 'DemoAlreadyRunningError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(lockFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(lockFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock (a stale lock from a dead process is replaced); returns its release function. */
export function acquireDemoLock(lockFile: string, pid = process.pid): () => void {
  try {
    writeFileSync(lockFile, `${pid}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = readPid(lockFile);
    if (holder !== undefined && holder !== pid && isAlive(holder)) throw new DemoAlreadyRunningError(holder, lockFile);
    writeFileSync(lockFile, `${pid}\n`);
  }
  return () => {
    if (readPid(lockFile) === pid) rmSync(lockFile, { force: true });
  };
}
