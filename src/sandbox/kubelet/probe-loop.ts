import http from 'node:http';
import type { HttpProbe } from './container-probe.js';

/** One httpGet probe: success is a status in [200, 400) within the timeout. */
export function runHttpProbe(probe: HttpProbe, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ host, port: probe.port, path: probe.path, timeout: probe.timeoutMs, headers: { 'User-Agent': 'kube-probe/1.37' } }, (response) => {
      response.resume();
      const code = response.statusCode ?? 0;
      resolve(code >= 200 && code < 400);
    });
    request.on('timeout', () => request.destroy(new Error('probe timed out')));
    request.on('error', () => resolve(false));
  });
}

/** Pure: the probe's verdict after one more result, from the consecutive counts. */
export function nextProbeVerdict(
  counts: { successes: number; failures: number; verdict: boolean },
  success: boolean,
  probe: Pick<HttpProbe, 'successThreshold' | 'failureThreshold'>,
): { successes: number; failures: number; verdict: boolean } {
  const successes = success ? counts.successes + 1 : 0;
  const failures = success ? 0 : counts.failures + 1;
  let verdict = counts.verdict;
  if (successes >= probe.successThreshold) verdict = true;
  if (failures >= probe.failureThreshold) verdict = false;
  return { successes, failures, verdict };
}

/**
 * Probes periodically after the initial delay and reports each change of verdict. A readiness probe
 * starts not ready; a liveness probe starts alive and reports `false` after failureThreshold failures.
 */
export class ProbeLoop {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private counts: { successes: number; failures: number; verdict: boolean };

  constructor(
    private readonly probe: HttpProbe,
    private readonly host: string,
    initialVerdict: boolean,
    private readonly onVerdict: (verdict: boolean) => void,
  ) {
    this.counts = { successes: 0, failures: 0, verdict: initialVerdict };
  }

  start(): void {
    this.schedule(this.probe.initialDelayMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    const success = await runHttpProbe(this.probe, this.host);
    if (this.stopped) return;
    const before = this.counts.verdict;
    this.counts = nextProbeVerdict(this.counts, success, this.probe);
    if (this.counts.verdict !== before) this.onVerdict(this.counts.verdict);
    this.schedule(this.probe.periodMs);
  }
}
