import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ComponentRecord } from './cluster-state.js';

export interface SpawnOptions {
  command: string;
  args: string[];
  log: string;
  /** What /proc/PID/cmdline contains, recorded for later liveness checks. */
  binary: string;
}

/**
 * Starts a long-running process detached from this one (own process group, output appended to
 * its log), so it outlives the command that started it; the record lets any process stop it.
 */
export function spawnDetached(options: SpawnOptions): Promise<ComponentRecord> {
  const fd = openSync(options.log, 'a');
  try {
    const child = spawn(options.command, options.args, { detached: true, stdio: ['ignore', fd, fd] });
    return new Promise((resolve, reject) => {
      child.once('error', (error) => reject(new Error(`cannot start ${options.command}: ${error.message}`)));
      child.once('spawn', () => {
        child.unref();
        resolve({ pid: child.pid ?? -1, binary: options.binary, log: options.log });
      });
    });
  } finally {
    closeSync(fd);
  }
}

function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

function cmdlineContains(pid: number, binary: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(binary);
  } catch {
    return false;
  }
}

/** Whether the recorded process still runs (not exited, not a zombie, not a reused pid). */
export function isRunning(record: ComponentRecord): boolean {
  if (record.pid <= 0) return false;
  const state = procState(record.pid);
  if (state === undefined || state === 'Z' || state === 'X') return false;
  return cmdlineContains(record.pid, record.binary);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function waitExit(record: ComponentRecord, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(record)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(record: ComponentRecord, graceMs = 10_000): Promise<void> {
  if (!isRunning(record)) return;
  signal(record.pid, 'SIGTERM');
  if (await waitExit(record, graceMs)) return;
  signal(record.pid, 'SIGKILL');
  if (!(await waitExit(record, 5_000))) {
    throw new Error(`process ${record.pid} (${record.binary}) did not exit after SIGKILL`);
  }
}

/** Synchronous SIGKILL, for exit handlers that cannot await. */
export function killNow(record: ComponentRecord): void {
  if (isRunning(record)) signal(record.pid, 'SIGKILL');
}

/** The last lines of a log file, for error messages. */
export function logTail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
