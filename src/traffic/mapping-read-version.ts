// For read-only views (dashboard, `get rollout --watch`): which getambassador.io version to read
// Mappings in on this cluster. Every served version holds the same Mappings (the API server converts),
// so the views take what the controller's `auto` would: v2 when served, else v3alpha1.
// Discovery goes through raw requests, not client-node's generated API, so `kanary get -w` stays light.
import type * as k8s from '@kubernetes/client-node';
import { KubeRest } from '../kube/rest-client.js';
import { AUTO_MAPPING_API_VERSION, AUTO_PREFERENCE, chooseMappingApiVersion, discoverServedMappingVersions } from './mapping-api.js';

/** The version part (`v2`, `v3alpha1`) to read Mappings in, or undefined when none is served. */
export async function servedMappingReadVersion(kc: k8s.KubeConfig): Promise<string | undefined> {
  const rest = new KubeRest(kc);
  const discovery = {
    getAPIResources: ({ group, version }: { group: string; version: string }) => rest.getPath<k8s.V1APIResourceList>(`/apis/${group}/${version}`),
  };
  const served = await discoverServedMappingVersions(discovery, AUTO_PREFERENCE);
  const choice = chooseMappingApiVersion(AUTO_MAPPING_API_VERSION, served);
  return choice.ok ? choice.apiVersion.split('/')[1] : undefined;
}
