/**
 * A steady traffic generator: `rps` GET requests per second to one URL, each answer counted by
 * status and by the `version` of its JSON body (the demo workloads answer `{version, colour}`).
 * Bounded: stops after `durationMs` or on stop(); every request has a timeout.
 */
import * as http from 'node:http';

export interface TrafficTally {
  sent: number;
  completed: number;
  /** Connection errors and timeouts (no HTTP status). */
  errors: number;
  byStatus: Record<string, number>;
  /** By the body's `version` (`unknown` when the body has none). */
  byVersion: Record<string, number>;
  /** Answers with status >= 500 or no answer at all. */
  failed: number;
}

export interface TrafficGeneratorOptions {
  url: string;
  rps: number;
  /** Stop after this long; default: until stop(). */
  durationMs?: number;
  /** Per-request timeout (default 5000 ms). */
  timeoutMs?: number;
  /** Called after every answer (or failure) with a snapshot of the running tally. */
  onResult?: (tally: TrafficTally, last: { status?: number; version?: string; error?: string }) => void;
  /** Extra request headers (e.g. Host). */
  headers?: Record<string, string>;
}

export interface TrafficGenerator {
  tally(): TrafficTally;
  /** Stops sending and resolves once in-flight requests have settled. */
  stop(): Promise<TrafficTally>;
  /** Resolves when the generator stops (duration reached or stop()). */
  done: Promise<TrafficTally>;
}

function emptyTally(): TrafficTally {
  return { sent: 0, completed: 0, errors: 0, byStatus: {}, byVersion: {}, failed: 0 };
}

function snapshot(tally: TrafficTally): TrafficTally {
  return { ...tally, byStatus: { ...tally.byStatus }, byVersion: { ...tally.byVersion } };
}

/** The `version` field of a JSON body, if any. */
export function readVersion(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : undefined;
  } catch {
    return undefined;
  }
}

interface Outcome { status?: number; version?: string; error?: string }

function sendOne(url: string, timeoutMs: number, headers: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, headers, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => {
        const version = readVersion(body);
        resolve({ status: res.statusCode ?? 0, ...(version !== undefined ? { version } : {}) });
      });
      res.on('error', (err) => resolve({ error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ error: err.message }));
  });
}

function record(tally: TrafficTally, outcome: Outcome): void {
  tally.completed += 1;
  if (outcome.status === undefined) {
    tally.errors += 1;
    tally.failed += 1;
    return;
  }
  const status = String(outcome.status);
  tally.byStatus[status] = (tally.byStatus[status] ?? 0) + 1;
  if (outcome.status >= 500) tally.failed += 1;
  const version = outcome.version ?? 'unknown';
  tally.byVersion[version] = (tally.byVersion[version] ?? 0) + 1;
}

export function startTrafficGenerator(options: TrafficGeneratorOptions): TrafficGenerator {
  if (!(options.rps > 0)) throw new Error('rps must be above 0');
  const tally = emptyTally();
  const inFlight = new Set<Promise<void>>();
  const intervalMs = 1000 / options.rps;
  const startedAt = performance.now();
  let resolveDone: (t: TrafficTally) => void = () => undefined;
  const done = new Promise<TrafficTally>((resolve) => { resolveDone = resolve; });
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const fire = (): void => {
    tally.sent += 1;
    const request = sendOne(options.url, options.timeoutMs ?? 5000, options.headers ?? {}).then((outcome) => {
      record(tally, outcome);
      options.onResult?.(snapshot(tally), outcome);
    });
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
  };

  const stop = async (): Promise<TrafficTally> => {
    if (!stopped) {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.all([...inFlight]);
      resolveDone(snapshot(tally));
    }
    return done;
  };

  const tick = (): void => {
    const elapsedMs = performance.now() - startedAt;
    if (options.durationMs !== undefined && elapsedMs >= options.durationMs) {
      void stop();
      return;
    }
    const due = Math.min(Math.floor(elapsedMs / intervalMs) + 1 - tally.sent, Math.ceil(options.rps));
    for (let i = 0; i < due; i += 1) fire();
    timer = setTimeout(tick, Math.max(1, intervalMs - (elapsedMs % intervalMs)));
  };
  tick();
  return { tally: () => snapshot(tally), stop, done };
}
