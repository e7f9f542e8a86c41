/** Resident memory and CPU seconds of a process, from /proc (Linux). */
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_S = 100;

export interface ProcessStats {
  rssMb: number;
  cpuSeconds: number;
}

export function readProcessStats(pid: number): ProcessStats {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is the state (field 3); utime and stime are fields 14 and 15.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssMb: Math.round((rssKb / 1024) * 10) / 10, cpuSeconds: ticks / CLOCK_TICKS_PER_S };
}
