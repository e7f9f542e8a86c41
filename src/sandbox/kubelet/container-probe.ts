import type * as k8s from '@kubernetes/client-node';

/** An httpGet probe with Kubernetes' defaults filled in and a numeric port. */
export interface HttpProbe {
  path: string;
  port: number;
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  failureThreshold: number;
  successThreshold: number;
}

export type ProbeResult = { ok: true; probe: HttpProbe | undefined } | { ok: false; error: string };

function resolvePort(port: number | string, container: k8s.V1Container): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** Reads a container's probe; only httpGet over HTTP is supported (anything else is an error). */
export function buildHttpProbe(container: k8s.V1Container, kind: 'readinessProbe' | 'livenessProbe'): ProbeResult {
  const probe = container[kind];
  if (!probe) return { ok: true, probe: undefined };
  const httpGet = probe.httpGet;
  if (!httpGet || (httpGet.scheme ?? 'HTTP') !== 'HTTP') {
    return { ok: false, error: `${kind}: only httpGet probes over HTTP are supported by the simulated kubelet` };
  }
  const port = resolvePort(httpGet.port as number | string, container);
  if (port === undefined) return { ok: false, error: `${kind}: port "${String(httpGet.port)}" is not a port of the container` };
  return { ok: true, probe: { path: httpGet.path ?? '/', port, ...probeTiming(probe) } };
}

/** Kubernetes' probe timing defaults. */
function probeTiming(probe: k8s.V1Probe): Omit<HttpProbe, 'path' | 'port'> {
  return {
    initialDelayMs: (probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: (probe.periodSeconds ?? 10) * 1000,
    timeoutMs: (probe.timeoutSeconds ?? 1) * 1000,
    failureThreshold: probe.failureThreshold ?? 3,
    successThreshold: probe.successThreshold ?? 1,
  };
}
