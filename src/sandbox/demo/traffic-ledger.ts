/**
 * Tallies of the demo's real traffic, split into segments: one per release and per (rollout step,
 * canary weight the edge proxy applied when the answer came back). Pure bookkeeping.
 */

export interface SegmentKey {
  release: string;
  /** The Rollout's status.currentStepIndex (undefined when it has none). */
  stepIndex: number | undefined;
  /** The canary percentage the edge proxy routes with (0 when there is no canary Mapping). */
  appliedWeight: number;
  /** Whether the Rollout was at a canary step (not promoted, not aborted). */
  atStep: boolean;
}

export interface Tally {
  total: number;
  failed: number;
  byVersion: Record<string, number>;
}

export interface Segment extends SegmentKey {
  tally: Tally;
}

export interface LedgerOutcome {
  failed: boolean;
  version: string | undefined;
}

function emptyTally(): Tally {
  return { total: 0, failed: 0, byVersion: {} };
}

function add(tally: Tally, outcome: LedgerOutcome): void {
  tally.total += 1;
  if (outcome.failed) tally.failed += 1;
  const version = outcome.version ?? 'none';
  tally.byVersion[version] = (tally.byVersion[version] ?? 0) + 1;
}

function keyText(key: SegmentKey): string {
  return `${key.release}|${key.stepIndex ?? '-'}|${key.appliedWeight}|${key.atStep}`;
}

export class TrafficLedger {
  private readonly segments = new Map<string, Segment>();
  private readonly releases = new Map<string, Tally>();

  record(key: SegmentKey, outcome: LedgerOutcome): void {
    const text = keyText(key);
    let segment = this.segments.get(text);
    if (!segment) {
      segment = { ...key, tally: emptyTally() };
      this.segments.set(text, segment);
    }
    add(segment.tally, outcome);
    let release = this.releases.get(key.release);
    if (!release) {
      release = emptyTally();
      this.releases.set(key.release, release);
    }
    add(release, outcome);
  }

  segmentsOf(release: string): Segment[] {
    return [...this.segments.values()].filter((s) => s.release === release).map((s) => structuredClone(s));
  }

  releaseTally(release: string): Tally {
    return structuredClone(this.releases.get(release) ?? emptyTally());
  }
}

const NO_VERSION = new Set(['none', 'unknown']);

/** Share (0..100) of the answers some pod gave (with a version) that came from `version`. */
export function versionSharePercent(tally: Tally, version: string): number {
  const answered = Object.entries(tally.byVersion).filter(([v]) => !NO_VERSION.has(v)).reduce((sum, [, n]) => sum + n, 0);
  return answered === 0 ? 0 : (100 * (tally.byVersion[version] ?? 0)) / answered;
}

export interface WeightCheck {
  segment: Segment;
  observedPercent: number;
  ok: boolean;
}

/**
 * For every segment at a canary step with at least `minRequests` answers: is the share answered by
 * `canaryVersion` within `tolerancePoints` of the weight applied?
 */
export function checkCanaryShares(segments: Segment[], canaryVersion: string, options: { minRequests: number; tolerancePoints: number }): WeightCheck[] {
  return segments
    .filter((s) => s.atStep && s.tally.total >= options.minRequests)
    .map((segment) => {
      const observedPercent = versionSharePercent(segment.tally, canaryVersion);
      return { segment, observedPercent, ok: Math.abs(observedPercent - segment.appliedWeight) <= options.tolerancePoints };
    });
}
