/**
 * Accounts for the controller's writes in a time window: the API requests by verb, resource and HTTP
 * code (from its request counter), the actions it logged (`"msg":"action"` lines, with the event
 * reason), and what each Rollout status write changed (successive Rollout versions seen by the
 * bench's watch, top-level status keys compared).
 */
import type { Obj, WatchEvent } from './object-watch.js';

export interface StatusWrite {
  resourceVersion: string;
  changed: string[];
}

export interface WindowAccount {
  requests: Record<string, number>;
  actions: string[];
  statusWrites: StatusWrite[];
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete']);

/** Sum of write requests in "verb resource code" counts; events optional. */
export function countWrites(requests: Record<string, number>, options: { events: boolean; conflicts: boolean }): number {
  return Object.entries(requests)
    .filter(([key]) => {
      const [verb = '', resource = '', code = ''] = key.split(' ');
      if (!WRITE_VERBS.has(verb)) return false;
      if (!options.conflicts && code === '409') return false;
      return options.events ? true : resource !== 'events';
    })
    .reduce((sum, [, value]) => sum + value, 0);
}

/** Only the event writes (create and patch of events), any code. */
export function countEventWrites(requests: Record<string, number>): number {
  return Object.entries(requests).filter(([key]) => key.split(' ')[1] === 'events').reduce((sum, [, v]) => sum + v, 0);
}

/** Drops the HTTP code: "verb resource code" → "verb resource". */
export function withoutCodes(requests: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(requests)) {
    const short = key.split(' ').slice(0, 2).join(' ');
    out[short] = (out[short] ?? 0) + value;
  }
  return out;
}

/** The actions the controller logged between fromMs and toMs (its log `time`, this machine's clock). */
export function loggedActions(logs: readonly string[], window: { fromMs: number; toMs: number }): string[] {
  const actions: string[] = [];
  for (const line of logs) {
    if (!line.includes('"msg":"action"')) continue;
    const entry = JSON.parse(line) as Obj;
    const at = Date.parse(String(entry.time));
    if (at < window.fromMs || at > window.toMs) continue;
    actions.push(entry.type === 'recordEvent' ? `recordEvent ${entry.reason}` : `${entry.type}${entry.weightPercent !== undefined ? ` ${entry.weightPercent}` : ''}`);
  }
  return actions;
}

function changedKeys(before: Obj, after: Obj): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])).sort();
}

/**
 * Status writes of one Rollout seen in events between fromMs and toMs, excluding the versions the
 * bench wrote itself (`ownVersions`). Each lists the top-level status keys that changed.
 */
export function statusWrites(events: readonly WatchEvent[], input: { name: string; fromMs: number; toMs: number; ownVersions: readonly string[] }): StatusWrite[] {
  const mine = events.filter((e) => e.object.metadata?.name === input.name && e.type !== 'DELETED');
  let previous: Obj = mine.filter((e) => e.atMs < input.fromMs).at(-1)?.object.status ?? {};
  const writes: StatusWrite[] = [];
  for (const event of mine.filter((e) => e.atMs >= input.fromMs && e.atMs <= input.toMs)) {
    const status: Obj = event.object.status ?? {};
    const resourceVersion = String(event.object.metadata?.resourceVersion);
    const changed = changedKeys(previous, status);
    previous = status;
    if (changed.length > 0 && !input.ownVersions.includes(resourceVersion)) writes.push({ resourceVersion, changed });
  }
  return writes;
}
