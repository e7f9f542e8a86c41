/**
 * What a waiting Rollout waits for (pure): a timed pause with its countdown, or a pause only a
 * person ends, with the exact commands to promote or abort; and a one-line description of a step.
 */
import { describeRouteStep } from '../core/journal-describe.js';
import { formatDurationMs } from '../api/duration.js';
import type { CanaryStep, PauseStep, Rollout } from '../api/rollout.js';
import { computePauseRemainingMs } from '../core/pause.js';

export type PauseView =
  | { kind: 'timed'; reason: string; durationMs: number; remainingMs: number }
  | { kind: 'indefinite'; reason: string; commands: string[] };

function describeScale(scale: NonNullable<CanaryStep['setCanaryScale']>): string {
  if (scale.matchTrafficWeight) return 'setCanaryScale: matchTrafficWeight';
  if (scale.replicas !== undefined) return `setCanaryScale: ${scale.replicas} replicas`;
  return `setCanaryScale: weight ${scale.weight ?? 0}`;
}

function describePause(pause: PauseStep): string {
  if (pause.duration === undefined) return 'pause: until promoted';
  return `pause: ${typeof pause.duration === 'number' ? `${pause.duration}s` : pause.duration}`;
}

/** One line for a step, e.g. `setWeight: 20`, `pause: 1m`, `analysis: success-rate`. */
export function describeStep(step: CanaryStep): string {
  if (step.setWeight !== undefined) return `setWeight: ${step.setWeight}`;
  if (step.pause !== undefined) return describePause(step.pause);
  if (step.analysis !== undefined) return `analysis: ${step.analysis.templates.map((t) => t.templateName).join(', ')}`;
  if (step.setCanaryScale !== undefined) return describeScale(step.setCanaryScale);
  return describeRouteStep(step)?.replace(/^(setHeaderRoute|setMirrorRoute) /, '$1: ') ?? 'empty step';
}

/** `kanary VERB NAME -n NS`, the way a person would type it. */
export function verbCommand(verb: string, rollout: Pick<Rollout, 'metadata'>): string {
  return `kanary ${verb} ${rollout.metadata.name} -n ${rollout.metadata.namespace ?? 'default'}`;
}

interface PauseContext {
  now: number;
  durationOf: (pause: PauseStep) => number | undefined;
}

function currentPause(rollout: Rollout): PauseStep | undefined {
  return rollout.spec.strategy.canary?.steps?.[rollout.status?.currentStepIndex ?? 0]?.pause;
}

/** Blue/green with autoPromotionSeconds: the promotion pause ends by itself. */
function autoPromotionPause(rollout: Rollout, now: number): PauseView | undefined {
  const strategy = rollout.spec.strategy.blueGreen;
  const condition = rollout.status?.pauseConditions?.find((c) => c.reason === 'BlueGreenPause');
  const seconds = strategy?.autoPromotionEnabled === false ? undefined : strategy?.autoPromotionSeconds;
  if (!condition || seconds === undefined || seconds <= 0) return undefined;
  const durationMs = seconds * 1000;
  const remainingMs = Math.max(0, computePauseRemainingMs(condition.startTime, durationMs, now));
  return { kind: 'timed', reason: `BlueGreenPause (auto-promotion after ${formatDurationMs(durationMs)})`, durationMs, remainingMs };
}

function timedPause(rollout: Rollout, ctx: PauseContext): PauseView | undefined {
  const autoPromotion = autoPromotionPause(rollout, ctx.now);
  if (autoPromotion) return autoPromotion;
  const condition = rollout.status?.pauseConditions?.find((c) => c.reason === 'CanaryPauseStep');
  const pause = currentPause(rollout);
  const durationMs = condition && pause ? ctx.durationOf(pause) : undefined;
  if (!condition || durationMs === undefined) return undefined;
  const remainingMs = Math.max(0, computePauseRemainingMs(condition.startTime, durationMs, ctx.now));
  return { kind: 'timed', reason: `CanaryPauseStep (${formatDurationMs(durationMs)})`, durationMs, remainingMs };
}

function indefinitePause(rollout: Rollout): PauseView | undefined {
  const promote = verbCommand('promote', rollout);
  const abort = verbCommand('abort', rollout);
  if (rollout.spec.paused) return { kind: 'indefinite', reason: 'paused by `kanary pause` (spec.paused)', commands: [promote, abort] };
  const [condition] = rollout.status?.pauseConditions ?? [];
  if (!condition) return undefined;
  const reason = condition.reason === 'InconclusiveAnalysisRun' ? 'analysis was inconclusive: a person decides' : 'waiting for promotion';
  return { kind: 'indefinite', reason, commands: [promote, abort] };
}

/** The pause the Rollout is in, or undefined when it is not paused (or aborted). */
export function buildPauseView(rollout: Rollout, ctx: PauseContext): PauseView | undefined {
  if (rollout.status?.abort) return undefined;
  if (!rollout.spec.paused) {
    const timed = timedPause(rollout, ctx);
    if (timed) return timed;
  }
  return indefinitePause(rollout);
}
