/**
 * Mappings as the local API server holds them, for the router's cluster tests: one read in a given
 * apiVersion, and a MappingCache filled with what the server holds now (what a synced informer holds).
 */
import { AMBASSADOR_GROUP } from '../../src/api/labels.js';
import type { MappingObject } from '../../src/traffic/ambassador-mapping.js';
import type { MappingCache } from '../../src/traffic/ambassador.js';
import type { KubeFixture } from '../kube/kube-fixture.js';

export function versionOf(apiVersion: string): string {
  return apiVersion.split('/')[1] ?? '';
}

/** The Mapping read in `apiVersion`, or undefined when the read fails (absent, not served). */
export async function getLiveMapping(fx: KubeFixture, apiVersion: string, name: string): Promise<MappingObject | undefined> {
  try {
    return (await fx.clients.custom.getNamespacedCustomObject({ group: AMBASSADOR_GROUP, version: versionOf(apiVersion), namespace: fx.namespace, plural: 'mappings', name })) as MappingObject;
  } catch {
    return undefined;
  }
}

/** A cache holding what the API server holds now for these names. */
export async function snapshotMappings(fx: KubeFixture, apiVersion: string, names: string[]): Promise<MappingCache> {
  const objects = new Map<string, MappingObject>();
  for (const name of names) {
    const found = await getLiveMapping(fx, apiVersion, name);
    if (found) objects.set(name, found);
  }
  return { get: (namespace, name) => (namespace === fx.namespace ? objects.get(name) : undefined) };
}
