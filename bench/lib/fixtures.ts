/** Rollout documents for benchmarks: the Ambassador example renamed, with chosen steps. */
import type { Obj } from './object-watch.js';

export interface BenchRolloutOptions {
  name: string;
  replicas: number;
  image: string;
  steps: Obj[];
  /** Headless Services (no ClusterIP): the local API server's /24 Service range holds 254 addresses. */
  headless?: boolean;
}

/** Services `<name>-stable`/`<name>-canary`, base Mapping `<name>` and the Rollout `<name>`. */
export function benchRolloutDocs(options: BenchRolloutOptions): Obj[] {
  const { name } = options;
  const labels = { app: name };
  const ports = [{ name: 'http', port: 80, targetPort: 'http' }];
  const clusterIP = options.headless ? { clusterIP: 'None' } : {};
  const service = (suffix: string): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: `${name}-${suffix}` }, spec: { ...clusterIP, selector: labels, ports } });
  const mapping: Obj = { apiVersion: 'getambassador.io/v2', kind: 'Mapping', metadata: { name }, spec: { prefix: `/${name}/`, service: `${name}-stable:80` } };
  const rollout: Obj = {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name },
    spec: {
      replicas: options.replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: options.image, ports: [{ name: 'http', containerPort: 8080 }] }] } },
      strategy: {
        canary: {
          stableService: `${name}-stable`,
          canaryService: `${name}-canary`,
          trafficRouting: { ambassador: { mappings: [name] } },
          scaleDownDelaySeconds: 1,
          abortScaleDownDelaySeconds: 1,
          steps: options.steps,
        },
      },
    },
  };
  return [service('stable'), service('canary'), mapping, rollout];
}
