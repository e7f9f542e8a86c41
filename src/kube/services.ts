/**
 * Service adapter. Kanary owns exactly one key of a user's Service: the `rollouts-pod-template-hash`
 * entry of `spec.selector`. A JSON merge patch on `spec.selector` with only that key leaves every
 * other selector key, port and annotation as Git wrote them.
 */
import type * as k8s from '@kubernetes/client-node';
import { POD_TEMPLATE_HASH_LABEL } from '../api/labels.js';
import type { KubeClients } from './clients.js';
import { callKube } from './errors.js';
import { mergePatchOptions } from './patch-options.js';

export interface ServiceSelectorHashOptions {
  namespace: string;
  name: string;
  /** The pod-template hash to select; `null` removes the key (the Service then selects every revision). */
  podTemplateHash: string | null;
}

export function buildSelectorHashPatch(podTemplateHash: string | null): Record<string, unknown> {
  return { spec: { selector: { [POD_TEMPLATE_HASH_LABEL]: podTemplateHash } } };
}

/** The hash a Service currently selects, if any. */
export function getSelectedHash(service: k8s.V1Service): string | undefined {
  return service.spec?.selector?.[POD_TEMPLATE_HASH_LABEL];
}

export async function patchServiceSelectorHash(
  clients: KubeClients,
  options: ServiceSelectorHashOptions,
): Promise<k8s.V1Service> {
  const { namespace, name } = options;
  return callKube({ verb: 'patch', resource: 'services', namespace, name }, () =>
    clients.core.patchNamespacedService(
      { namespace, name, body: buildSelectorHashPatch(options.podTemplateHash) },
      mergePatchOptions(),
    ),
  );
}
