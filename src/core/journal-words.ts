/**
 * The words of journal entries that depend on the strategy (pure). A canary release talks about
 * steps, weights and the canary ReplicaSet; a blue/green one about the preview and active
 * Services, the promotion analyses and the promotion pause.
 */
import type { BlueGreenStrategy } from '../api/rollout.js';
import { describeJournalStep } from './journal-describe.js';
import type { PlanContext } from './plan-context.js';

export interface JournalWords {
  /** Right after `first revision N (hash) deployed at full scale` (with its own separator). */
  deployed: string;
  /** After `template changed: revision N (hash) replaces S; `. */
  revisionStart(ctx: PlanContext): string;
  fastRollback(hash: string): string;
  userAbort(ctx: PlanContext): string;
  /** After the abort message of an abort the controller decided. */
  controllerAbort: string;
  retry(ctx: PlanContext): string;
  promoteFull: string;
  /** After `kanary promote: <what was promoted>; `, where the release goes next. */
  promotedTo(ctx: PlanContext, stepIndex: number): string;
  /** A pause the controller started (not an inconclusive analysis). */
  pauseStarted(ctx: PlanContext, stepIndex: number): string;
}

export function stepLabel(ctx: PlanContext, index: number): string {
  return index >= ctx.steps.length ? 'all steps done' : `step ${index} (${describeJournalStep(ctx.steps[index])})`;
}

const canaryWords: JournalWords = {
  deployed: ' without steps',
  revisionStart: (ctx) => stepLabel(ctx, 0),
  fastRollback: (hash) => `template matches the stable revision (${hash}): every step skipped, traffic back to stable at once`,
  userAbort: () => 'kanary abort: traffic back to stable, canary scaled down',
  controllerAbort: 'traffic back to stable',
  retry: (ctx) => `kanary retry: steps restart at ${stepLabel(ctx, 0)}`,
  promoteFull: 'kanary promote --full: remaining steps skipped, canary scaled to full and given all traffic',
  promotedTo: (ctx, index) => stepLabel(ctx, index),
  pauseStarted: (ctx, index) => describeJournalStep(ctx.steps[index]),
};

function gatesBeforeSwitch(strategy: BlueGreenStrategy): string {
  const gates = [
    strategy.prePromotionAnalysis !== undefined ? 'pre-promotion analysis' : undefined,
    strategy.autoPromotionEnabled === false ? 'kanary promote' : (strategy.autoPromotionSeconds ?? 0) > 0 ? `${strategy.autoPromotionSeconds}s of preview` : undefined,
  ].filter((g): g is string => g !== undefined);
  return gates.length === 0 ? 'no promotion gates: the switch comes once it is fully available' : `${gates.join(', then ')} before the switch`;
}

function blueGreenWords(strategy: BlueGreenStrategy): JournalWords {
  const active = `active Service ${strategy.activeService}`;
  const preview = `preview Service ${strategy.previewService}`;
  const switchNext = `${active} switches once the new revision is fully available`;
  return {
    deployed: `: the ${active} and the ${preview} select it`,
    revisionStart: () => `new ReplicaSet behind the ${preview}, the ${active} stays on stable; ${gatesBeforeSwitch(strategy)}`,
    fastRollback: (hash) => `template matches the stable revision (${hash}): the ${active} stays on or goes back to it at once, no promotion gates`,
    userAbort: () => {
      const seconds = strategy.abortScaleDownDelaySeconds;
      const down = seconds > 0 ? `the new ReplicaSet scales down after ${seconds}s` : 'the new ReplicaSet stays up (abortScaleDownDelaySeconds 0)';
      return `kanary abort: the ${active} and the ${preview} back on the stable revision; ${down}`;
    },
    controllerAbort: `the ${active} back on the stable revision`,
    retry: () => `kanary retry: the new revision starts again behind the ${preview} with fresh analysis`,
    promoteFull: `kanary promote --full: promotion analyses and pause skipped; the ${switchNext}`,
    promotedTo: () => `the ${switchNext}`,
    pauseStarted: () => (strategy.autoPromotionEnabled === false
      ? 'promotion pause: waiting for kanary promote'
      : `promotion pause: auto-promotion in ${strategy.autoPromotionSeconds ?? 0}s`),
  };
}

export function journalWordsFor(ctx: PlanContext): JournalWords {
  const strategy = ctx.rollout.spec.strategy.blueGreen;
  return strategy === undefined ? canaryWords : blueGreenWords(strategy);
}
