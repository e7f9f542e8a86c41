// For read-only views (dashboard, `get rollout --watch`): which getambassador.io version to read
// Mappings in on this cluster. Every served version holds the same Mappings (the API server converts),
// so the views take what the controller's `auto` would: v2 when served, else v3alpha1.
import * as k8s from '@kubernetes/client-node';
import { AUTO_MAPPING_API_VERSION, AUTO_PREFERENCE, chooseMappingApiVersion, discoverServedMappingVersions } from './mapping-api.js';

/** The version part (`v2`, `v3alpha1`) to read Mappings in, or undefined when none is served. */
export async function servedMappingReadVersion(kc: k8s.KubeConfig): Promise<string | undefined> {
  const served = await discoverServedMappingVersions(kc.makeApiClient(k8s.CustomObjectsApi), AUTO_PREFERENCE);
  const choice = chooseMappingApiVersion(AUTO_MAPPING_API_VERSION, served);
  return choice.ok ? choice.apiVersion.split('/')[1] : undefined;
}
