/**
 * Which getambassador.io versions the test cluster serves Mappings in (the local stack runs Emissary
 * 3 CRDs, v2 and v3alpha1, by default, or Emissary 4's v3alpha1 only with `--emissary 4`), read once
 * and synchronously so test tables can depend on it, and what `--ambassador-api-version auto` picks.
 */
import { execFileSync } from 'node:child_process';
import { testKubeconfigPath } from '../harness/cluster.js';

export const V2 = 'getambassador.io/v2';
export const V3ALPHA1 = 'getambassador.io/v3alpha1';

let served: string[] | undefined;

/** Full apiVersions (in Kanary's order of preference) that serve `mappings`. */
export function servedMappingVersions(): string[] {
  served ??= [V2, V3ALPHA1].filter(apiVersionServes);
  return served;
}

/** API discovery of one group version (404 when not served). */
function apiVersionServes(apiVersion: string): boolean {
  try {
    const out = execFileSync('kubectl', ['--kubeconfig', testKubeconfigPath(), 'get', '--raw', `/apis/${apiVersion}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return ((JSON.parse(out) as { resources?: Array<{ name?: string }> }).resources ?? []).some((r) => r.name === 'mappings');
  } catch {
    return false;
  }
}

/** What the controller's `auto` chooses on this cluster. */
export function autoMappingVersion(): string {
  const versions = servedMappingVersions();
  return versions.includes(V2) ? V2 : V3ALPHA1;
}
