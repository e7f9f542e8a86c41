// Issue 21 item 1, "nothing vanishes": the CRDs keep the spec fields Kanary does not implement (the
// controller then refuses them by name) while the known fields stay typed; status and metadata are
// not opened up. `prune` below applies the API server's pruning rule to a document.
import type { JsonSchema } from '../../src/api/crd-schema.js';
import { findUntypedNodes, keepUnknownFields, keepUnknownFieldsIn } from '../../src/api/crd-schema.js';
import { buildCrds } from '../../src/api/crds.js';
import { rawRollout } from './rollout-fixture.js';

type Fields = Record<string, unknown>;
const PRESERVE = 'x-kubernetes-preserve-unknown-fields';

const schemas = new Map(
  buildCrds().map((crd) => {
    const spec = crd.spec as { names: { kind: string }; versions: { schema: { openAPIV3Schema: JsonSchema } }[] };
    return [spec.names.kind, spec.versions[0]!.schema.openAPIV3Schema] as const;
  }),
);

function schemaOf(kind: string): JsonSchema {
  const schema = schemas.get(kind);
  if (!schema) throw new Error(`no CRD for ${kind}`);
  return schema;
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the API server stores of `value` under a structural schema: unknown fields dropped unless preserved. */
function prune(value: unknown, schema: JsonSchema | undefined): unknown {
  if (schema === undefined) return value;
  if (Array.isArray(value)) return value.map((item) => prune(item, schema.items as JsonSchema | undefined));
  if (!isFields(value)) return value;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const additional = isFields(schema.additionalProperties) ? (schema.additionalProperties as JsonSchema) : undefined;
  const out: Fields = {};
  for (const [key, child] of Object.entries(value)) {
    if (properties[key]) out[key] = prune(child, properties[key]);
    else if (additional) out[key] = prune(child, additional);
    else if (schema[PRESERVE] === true) out[key] = child;
  }
  return out;
}

/** The schema node at a path of property names, `[]` stepping into list items. */
function nodeAt(schema: JsonSchema, path: string): JsonSchema {
  let node: JsonSchema = schema;
  for (const part of path.split('.')) {
    const [name, list] = part.endsWith('[]') ? [part.slice(0, -2), true] : [part, false];
    node = ((node.properties ?? {}) as Record<string, JsonSchema>)[name]!;
    if (list) node = node.items as JsonSchema;
    if (!node) throw new Error(`no schema node at ${path}`);
  }
  return node;
}

/** Paths of every node carrying the preserve marker. */
function preservedPaths(schema: JsonSchema, path = ''): string[] {
  const self = schema[PRESERVE] === true ? [path] : [];
  const props = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).flatMap(([k, v]) => preservedPaths(v, path ? `${path}.${k}` : k));
  const items = isFields(schema.items) ? preservedPaths(schema.items as JsonSchema, `${path}[]`) : [];
  return [...self, ...props, ...items];
}

describe('the CRDs keep unknown spec fields', () => {
  test.each([
    ['Rollout', ['spec', 'spec.strategy', 'spec.strategy.canary', 'spec.strategy.canary.steps[]', 'spec.strategy.canary.steps[].pause', 'spec.strategy.canary.steps[].analysis', 'spec.strategy.canary.steps[].analysis.args[]', 'spec.strategy.canary.trafficRouting', 'spec.strategy.canary.trafficRouting.ambassador', 'spec.strategy.canary.analysis', 'spec.strategy.canary.analysis.templates[]', 'spec.selector', 'spec.template', 'spec.analysis']],
    ['AnalysisTemplate', ['spec', 'spec.metrics[]', 'spec.metrics[].provider', 'spec.metrics[].provider.prometheus', 'spec.metrics[].provider.web', 'spec.metrics[].provider.web.headers[]', 'spec.metrics[].judge', 'spec.args[]', 'spec.dryRun[]']],
    ['ClusterAnalysisTemplate', ['spec', 'spec.metrics[]', 'spec.metrics[].provider', 'spec.metrics[].provider.prometheus']],
    ['AnalysisRun', ['spec', 'spec.metrics[]', 'spec.metrics[].provider', 'spec.args[]', 'spec.args[].valueFrom']],
  ])('%s: every user-written object node keeps unknown fields', (kind, paths) => {
    const schema = schemaOf(kind);
    for (const path of paths) expect({ path, preserve: nodeAt(schema, path)[PRESERVE] }).toEqual({ path, preserve: true });
  });

  test.each(['Rollout', 'AnalysisTemplate', 'ClusterAnalysisTemplate', 'AnalysisRun'])('%s: only spec does; known fields stay typed and validated', (kind) => {
    const schema = schemaOf(kind);
    expect(preservedPaths(schema).filter((p) => !p.startsWith('spec'))).toEqual([]);
    expect(schema[PRESERVE]).toBeUndefined();
    expect((schema.properties as Record<string, JsonSchema>).metadata).toEqual({ type: 'object' });
    expect(findUntypedNodes(schema)).toEqual([]);
  });

  test('the Rollout keeps its typed fields: setWeight still has its bounds, replicas its default', () => {
    const schema = schemaOf('Rollout');
    expect(nodeAt(schema, 'spec.strategy.canary.steps[].setWeight')).toEqual({ type: 'integer', minimum: 0, maximum: 100 });
    expect(nodeAt(schema, 'spec.replicas')).toMatchObject({ type: 'integer', default: 1 });
  });

  test('a migrated Argo Rollout is stored as written; an unknown status field is still pruned', () => {
    const doc = rawRollout() as Fields & { spec: Fields };
    doc.spec.workloadRef = { kind: 'Deployment', name: 'web' };
    const canary = (doc.spec.strategy as Fields).canary as Fields & { steps: Fields[]; trafficRouting: Fields };
    canary.canaryMetadata = { labels: { role: 'canary' } };
    canary.antiAffinity = { requiredDuringSchedulingIgnoredDuringExecution: {} };
    canary.frobnicate = 1;
    canary.steps.push({ setHeaderRoute: { name: 'h' } });
    canary.trafficRouting.nginx = { stableIngress: 'web' };
    const stored = prune({ ...doc, status: { phase: 'Healthy', made: 'up' } }, schemaOf('Rollout')) as Fields;
    expect(stored.spec).toEqual(doc.spec);
    expect(stored.status).toEqual({ phase: 'Healthy' });
  });

  test('an AnalysisTemplate with Argo fields is stored as written', () => {
    const spec = {
      measurementRetention: [{ metricName: 'm', limit: 5 }],
      metrics: [{ name: 'm', provider: { datadog: { query: 'x' }, prometheus: { query: 'up', insecure: true } } }],
    };
    const stored = prune({ apiVersion: 'kanary.dev/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 't' }, spec }, schemaOf('AnalysisTemplate')) as Fields;
    expect(stored.spec).toEqual(spec);
  });
});

describe('keepUnknownFields', () => {
  test('marks objects with properties at any depth, leaves maps, scalars and other root properties alone', () => {
    const root: JsonSchema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            list: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
            n: { type: 'integer' },
          },
        },
        status: { type: 'object', properties: { phase: { type: 'string' } } },
      },
    };
    const out = keepUnknownFieldsIn(root, 'spec');
    expect(preservedPaths(out)).toEqual(['spec', 'spec.list[]']);
    expect(nodeAt(out, 'spec.labels')).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    expect(keepUnknownFields({ type: 'string' })).toEqual({ type: 'string' });
    expect(keepUnknownFieldsIn(root, 'absent')).toBe(root);
  });
});
