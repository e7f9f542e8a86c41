import type { EdgeMapping } from '../../../src/sandbox/edge-proxy/edge-mapping.js';
import { readEdgeMapping } from '../../../src/sandbox/edge-proxy/edge-mapping.js';

/** A raw Mapping object as the API server returns it. */
export function rawMapping(name: string, spec: Record<string, unknown>, namespace = 'shop'): Record<string, unknown> {
  return {
    apiVersion: 'getambassador.io/v3alpha1',
    kind: 'Mapping',
    metadata: { name, namespace },
    spec: { prefix: '/demo/', service: 'demo:80', ...spec },
  };
}

/** An EdgeMapping read from a raw Mapping (throws if the fixture is invalid). */
export function edgeMapping(name: string, spec: Record<string, unknown> = {}, namespace = 'shop'): EdgeMapping {
  const result = readEdgeMapping(rawMapping(name, spec, namespace));
  if (!result.ok) throw new Error(result.error);
  return result.mapping;
}
