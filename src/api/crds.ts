/**
 * Builds the CustomResourceDefinitions from the zod schemas (the single source of truth) and
 * renders them as YAML. `npm run gen:crds` writes the result to crds/; a test fails on drift.
 */
import * as yaml from 'js-yaml';
import { z } from 'zod';
import { analysisRunSchema, analysisTemplateSchema, clusterAnalysisTemplateSchema } from './analysis.js';
import type { JsonSchema } from './crd-schema.js';
import { keepUnknownFieldsIn, toRootSchema } from './crd-schema.js';
import { KANARY_GROUP, KANARY_VERSION } from './labels.js';
import { rolloutSchema } from './rollout.js';

interface PrinterColumn {
  name: string;
  type: 'integer' | 'string' | 'date';
  jsonPath: string;
  description?: string;
}

interface CrdInput {
  /** Paths (dot-separated, under the root) of fields the schema requires but the CRD leaves to the controller. */
  leftToController?: string[];
  file: string;
  kind: string;
  plural: string;
  shortName: string;
  scope: 'Namespaced' | 'Cluster';
  schema: z.ZodType;
  columns: PrinterColumn[];
  scale?: boolean;
}

const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

const ROLLOUT_COLUMNS: PrinterColumn[] = [
  { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas', description: 'Number of desired pods' },
  { name: 'Current', type: 'integer', jsonPath: '.status.replicas', description: 'Total number of non-terminated pods' },
  { name: 'Up-to-date', type: 'integer', jsonPath: '.status.updatedReplicas', description: 'Pods running the current template' },
  { name: 'Available', type: 'integer', jsonPath: '.status.availableReplicas', description: 'Available pods' },
  { name: 'Step', type: 'integer', jsonPath: '.status.currentStepIndex', description: 'Current canary step index' },
  { name: 'Weight', type: 'integer', jsonPath: '.status.canary.weights.canary.weight', description: 'Canary traffic weight' },
  { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Rollout phase' },
  AGE,
];

function crdInputs(): CrdInput[] {
  return [
    {
      file: 'rollouts.yaml', kind: 'Rollout', plural: 'rollouts', shortName: 'ro', scope: 'Namespaced', schema: rolloutSchema, columns: ROLLOUT_COLUMNS, scale: true,
      // A migrated Rollout routing through istio, nginx, alb, ... has no ambassador: it must be
      // stored, so the controller refuses it naming the router (issue 21), not the API server
      // naming only the missing ambassador.
      leftToController: ['spec.strategy.canary.trafficRouting.ambassador'],
    },
    { file: 'analysistemplates.yaml', kind: 'AnalysisTemplate', plural: 'analysistemplates', shortName: 'at', scope: 'Namespaced', schema: analysisTemplateSchema, columns: [AGE] },
    { file: 'clusteranalysistemplates.yaml', kind: 'ClusterAnalysisTemplate', plural: 'clusteranalysistemplates', shortName: 'cat', scope: 'Cluster', schema: clusterAnalysisTemplateSchema, columns: [AGE] },
    {
      file: 'analysisruns.yaml',
      kind: 'AnalysisRun',
      plural: 'analysisruns',
      shortName: 'ar',
      scope: 'Namespaced',
      schema: analysisRunSchema,
      columns: [{ name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'AnalysisRun phase' }, AGE],
    },
  ];
}

/**
 * The OpenAPI v3 structural schema of one kind. Its spec keeps unknown fields (issue 21: nothing
 * vanishes): a field Kanary does not implement reaches the controller, which refuses the object
 * naming it, instead of being pruned by the API server with at most a warning to the client.
 */
export function buildOpenApiSchema(schema: z.ZodType, leftToController: readonly string[] = []): JsonSchema {
  const root = keepUnknownFieldsIn(toRootSchema(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })), 'spec');
  return leftToController.reduce((node, path) => notRequired(node, path.split('.')), root);
}

/** The schema with the last key of `path` no longer required in its parent (a copy). */
function notRequired(node: JsonSchema, path: readonly string[]): JsonSchema {
  const [key, ...rest] = path;
  if (key === undefined) return node;
  if (rest.length === 0) {
    const required = Array.isArray(node.required) ? (node.required as string[]).filter((r) => r !== key) : undefined;
    const { required: _dropped, ...others } = node;
    return required && required.length > 0 ? { ...others, required } : others;
  }
  const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
  const child = properties[key];
  if (child === undefined) throw new Error(`CRD schema has no property ${key}`);
  return { ...node, properties: { ...properties, [key]: notRequired(child, rest) } };
}

function subresources(input: CrdInput): JsonSchema {
  if (!input.scale) return { status: {} };
  return {
    status: {},
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
  };
}

function buildCrd(input: CrdInput): JsonSchema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${input.plural}.${KANARY_GROUP}`,
      labels: { 'app.kubernetes.io/part-of': 'kanary' },
    },
    spec: {
      group: KANARY_GROUP,
      names: {
        kind: input.kind,
        listKind: `${input.kind}List`,
        plural: input.plural,
        singular: input.kind.toLowerCase(),
        shortNames: [input.shortName],
        categories: ['kanary'],
      },
      scope: input.scope,
      versions: [
        {
          name: KANARY_VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: buildOpenApiSchema(input.schema, input.leftToController) },
          subresources: subresources(input),
          additionalPrinterColumns: input.columns,
        },
      ],
    },
  };
}

const HEADER = '# Generated by `npm run gen:crds` from src/api (zod schemas). Do not edit by hand.\n';

/** File name (inside crds/) -> YAML text, for every kind. */
export function renderCrds(): Map<string, string> {
  return new Map(
    crdInputs().map((input) => [input.file, HEADER + yaml.dump(buildCrd(input), { noRefs: true, lineWidth: -1, sortKeys: false })]),
  );
}

/** The CRD objects themselves (for tests and installers). */
export function buildCrds(): JsonSchema[] {
  return crdInputs().map(buildCrd);
}
