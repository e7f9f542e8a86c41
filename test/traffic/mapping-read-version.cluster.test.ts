// The read-only views (dashboard, `get rollout --watch`) read Mappings in a version this cluster
// serves: v2 with Emissary 3's CRDs, v3alpha1 with Emissary 4's (which serve no v2).
import * as k8s from '@kubernetes/client-node';
import { servedMappingReadVersion } from '../../src/traffic/mapping-read-version.js';
import { testKubeconfigPath } from '../harness/cluster.js';
import { servedMappingVersions, V2, V3ALPHA1 } from '../controller/served-mapping-versions.js';

test('the version the views read Mappings in is served here, v2 first', async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(testKubeconfigPath());
  const served = servedMappingVersions();
  expect(served.length).toBeGreaterThan(0);
  const expected = served.includes(V2) ? 'v2' : 'v3alpha1';
  expect(await servedMappingReadVersion(kc)).toBe(expected);
  expect(served).toContain(`getambassador.io/${expected}`);
  if (!served.includes(V2)) expect(served).toEqual([V3ALPHA1]);
});
