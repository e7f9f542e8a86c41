/**
 * Pause timing: a pause step's duration and the time left. A timed pause ends at
 * startTime + duration (the controller requeues for the remainder); `pause: {}` waits for promote.
 */
import { parseDuration } from '../api/duration.js';
import type { PauseCondition, PauseStep } from '../api/rollout.js';
import type { PauseReason } from '../api/reasons.js';

/** Duration in ms, or undefined for an indefinite pause (no or unparsable duration). */
export function computePauseDurationMs(pause: PauseStep): number | undefined {
  if (pause.duration === undefined) return undefined;
  const parsed = parseDuration(pause.duration);
  return parsed.ok ? parsed.ms : undefined;
}

/** Milliseconds left in a pause that started at `startTime` (ISO); <= 0 means it is over. */
export function computePauseRemainingMs(startTime: string, durationMs: number, now: number): number {
  const start = Date.parse(startTime);
  if (Number.isNaN(start)) return 0;
  return start + durationMs - now;
}

export function findPauseCondition(conditions: readonly PauseCondition[], reason: PauseReason): PauseCondition | undefined {
  return conditions.find((c) => c.reason === reason);
}

export function toIsoTime(ms: number): string {
  return new Date(ms).toISOString();
}
