/**
 * Pieces of the no-dropped-requests reliability test (issue 9, item 5): the Ambassador example
 * with the base Mapping scoped to one edge proxy (its own ambassador_id), and a per-release tally
 * of the traffic generator's answers in which every non-2xx answer and every connection error is
 * a failure, with the first failures kept for the report.
 */
import type { Obj } from '../controller/rollout-fixtures.js';
import { loadExample, tweakExample } from '../controller/rollout-fixtures.js';

export interface TrafficDocsOptions {
  image: string;
  steps: Obj[];
  replicas: number;
  ambassadorId: string;
  scaleDownDelaySeconds: number;
}

/** Services, base Mapping (with `ambassador_id`) and Rollout of the Ambassador example. */
export function trafficDocs(options: TrafficDocsOptions): Obj[] {
  const docs = tweakExample(loadExample('canary-ambassador'), {
    replicas: options.replicas,
    image: options.image,
    steps: options.steps,
    scaleDownDelaySeconds: options.scaleDownDelaySeconds,
    abortScaleDownDelaySeconds: options.scaleDownDelaySeconds,
  });
  return docs.map((doc) => (doc.kind === 'Mapping' ? { ...doc, spec: { ...doc.spec, ambassador_id: [options.ambassadorId] } } : doc));
}

export interface Answer {
  status?: number;
  version?: string;
  error?: string;
}

export interface ReleaseCount {
  total: number;
  failed: number;
  byStatus: Record<string, number>;
  byVersion: Record<string, number>;
}

export interface FailureSample extends Answer {
  release: string;
  at: string;
}

export function isFailure(answer: Answer): boolean {
  return answer.status === undefined || answer.status < 200 || answer.status >= 300;
}

function emptyCount(): ReleaseCount {
  return { total: 0, failed: 0, byStatus: {}, byVersion: {} };
}

function add(count: ReleaseCount, answer: Answer): void {
  count.total += 1;
  if (isFailure(answer)) count.failed += 1;
  const status = answer.status === undefined ? 'error' : String(answer.status);
  count.byStatus[status] = (count.byStatus[status] ?? 0) + 1;
  const version = answer.version ?? 'none';
  count.byVersion[version] = (count.byVersion[version] ?? 0) + 1;
}

/** Answers tallied under the release label current when they came back. */
export class ReleaseTally {
  /** The label new answers are counted under. */
  release = 'setup';
  readonly failures: FailureSample[] = [];
  private readonly counts = new Map<string, ReleaseCount>();
  private readonly overall = emptyCount();

  constructor(private readonly keepFailures = 20) {}

  record(answer: Answer): void {
    let count = this.counts.get(this.release);
    if (!count) {
      count = emptyCount();
      this.counts.set(this.release, count);
    }
    add(count, answer);
    add(this.overall, answer);
    if (isFailure(answer) && this.failures.length < this.keepFailures) {
      this.failures.push({ ...answer, release: this.release, at: new Date().toISOString() });
    }
  }

  of(release: string): ReleaseCount {
    return this.counts.get(release) ?? emptyCount();
  }

  total(): ReleaseCount {
    return this.overall;
  }

  /** One line per release: `label: n requests, f failed, versions {...}, statuses {...}`. */
  describe(): string {
    return [...this.counts.entries()]
      .map(([label, c]) => `${label}: ${c.total} requests, ${c.failed} failed, versions ${JSON.stringify(c.byVersion)}, statuses ${JSON.stringify(c.byStatus)}`)
      .join('\n');
  }
}
