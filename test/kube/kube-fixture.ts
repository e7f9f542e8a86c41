// Shared set-up for the kube/ and traffic/ cluster tests, on top of the cluster harness: the test
// KubeConfig, counting clients, a namespace per test file, and a Rollout object to own things.
import type * as k8s from '@kubernetes/client-node';
import { KANARY_API_VERSION, KANARY_GROUP, KANARY_VERSION, ROLLOUT_PLURAL } from '../../src/api/labels.js';
import type { Rollout } from '../../src/api/rollout.js';
import { createKubeClients, type KubeClients, type KubeRequestRecord } from '../../src/kube/clients.js';
import { createTestNamespace, deleteTestNamespace, loadTestKubeConfig } from '../harness/cluster.js';

export interface KubeFixture {
  kc: k8s.KubeConfig;
  clients: KubeClients;
  /** Every request the clients made, in order. */
  requests: KubeRequestRecord[];
  namespace: string;
}

export async function createKubeFixture(prefix: string): Promise<KubeFixture> {
  const kc = loadTestKubeConfig();
  const requests: KubeRequestRecord[] = [];
  const clients = createKubeClients(kc, { onRequest: (r) => requests.push(r) });
  const namespace = await createTestNamespace(prefix, kc);
  return { kc, clients, requests, namespace };
}

export async function deleteKubeFixture(fixture: KubeFixture | undefined): Promise<void> {
  if (fixture) await deleteTestNamespace(fixture.namespace, fixture.kc);
}

/** Creates a Rollout like examples/canary-ambassador and returns it as read back (with uid). */
export async function createTestRollout(fixture: KubeFixture, name: string): Promise<Rollout> {
  const body = {
    apiVersion: KANARY_API_VERSION,
    kind: 'Rollout',
    metadata: { name, namespace: fixture.namespace },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'kanary/demo-app:v1', ports: [{ name: 'http', containerPort: 8080 }] }] },
      },
      strategy: {
        canary: {
          stableService: `${name}-stable`,
          canaryService: `${name}-canary`,
          trafficRouting: { ambassador: { mappings: [name] } },
          steps: [{ setWeight: 30 }, { pause: {} }],
        },
      },
    },
  };
  return (await fixture.clients.custom.createNamespacedCustomObject({
    group: KANARY_GROUP,
    version: KANARY_VERSION,
    namespace: fixture.namespace,
    plural: ROLLOUT_PLURAL,
    body,
  })) as Rollout;
}
