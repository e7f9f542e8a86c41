/**
 * Converts zod 4's JSON Schema (draft 2020-12) into a Kubernetes structural OpenAPI v3 schema that
 * a 1.20 API server accepts: no $ref/$schema, no additionalProperties:false, int-or-string as
 * `x-kubernetes-int-or-string`, loose objects as `x-kubernetes-preserve-unknown-fields`.
 * keepUnknownFieldsIn marks the user-written part (spec) so that the API server keeps the fields
 * Kanary does not implement instead of pruning them: the controller then refuses them by name.
 */

export type JsonSchema = { [key: string]: unknown };

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const DROPPED_KEYS = new Set(['$schema', '$id', 'propertyNames', 'id', 'title', 'examples']);

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIntOrString(branches: unknown[]): boolean {
  const types = branches.map((b) => (isObject(b) ? b.type : undefined)).sort();
  return types.length === 2 && types[0] === 'integer' && types[1] === 'string';
}

function convertAnyOf(node: JsonSchema): JsonSchema {
  const branches = Array.isArray(node.anyOf) ? node.anyOf : [];
  const nonNull = branches.filter((b) => !(isObject(b) && b.type === 'null'));
  const rest = { ...node };
  delete rest.anyOf;
  if (isIntOrString(nonNull)) return { ...rest, 'x-kubernetes-int-or-string': true };
  if (nonNull.length === 1 && nonNull.length < branches.length) {
    return { ...toStructural(nonNull[0]), ...rest, nullable: true };
  }
  throw new Error(`cannot express anyOf with ${branches.length} branches as a structural schema`);
}

function convertBounds(node: JsonSchema): JsonSchema {
  const out = { ...node };
  if (out.minimum === -MAX_SAFE) delete out.minimum;
  if (out.maximum === MAX_SAFE) delete out.maximum;
  if (typeof out.exclusiveMinimum === 'number') {
    out.minimum = out.exclusiveMinimum;
    out.exclusiveMinimum = true;
  }
  if (typeof out.exclusiveMaximum === 'number') {
    out.maximum = out.exclusiveMaximum;
    out.exclusiveMaximum = true;
  }
  return out;
}

function convertConst(node: JsonSchema): JsonSchema {
  if (!('const' in node)) return node;
  const { const: value, ...rest } = node;
  return { ...rest, type: rest.type ?? typeof value, enum: [value] };
}

function convertAdditional(node: JsonSchema): JsonSchema {
  const { additionalProperties, ...rest } = node;
  if (additionalProperties === undefined || additionalProperties === false) return rest;
  if (isObject(additionalProperties) && Object.keys(additionalProperties).length === 0) {
    return { ...rest, 'x-kubernetes-preserve-unknown-fields': true };
  }
  return { ...rest, additionalProperties: toStructural(additionalProperties) };
}

function convertChildren(node: JsonSchema): JsonSchema {
  const out = { ...node };
  if (isObject(out.properties)) {
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, toStructural(v)]));
  }
  if (out.items !== undefined) out.items = toStructural(out.items);
  return out;
}

function dropKeys(node: JsonSchema): JsonSchema {
  const out = Object.fromEntries(Object.entries(node).filter(([key]) => !DROPPED_KEYS.has(key)));
  if ('$ref' in out || '$defs' in out || 'allOf' in out || 'oneOf' in out) {
    throw new Error(`structural schemas cannot use $ref/$defs/allOf/oneOf: ${JSON.stringify(node).slice(0, 120)}`);
  }
  return out;
}

/** Recursively converts one JSON Schema node. Throws on constructs Kubernetes cannot express. */
export function toStructural(schema: unknown): JsonSchema {
  if (!isObject(schema)) throw new Error('expected a JSON Schema object');
  let node = dropKeys(schema);
  if (Array.isArray(node.anyOf)) node = convertAnyOf(node);
  node = convertChildren(convertAdditional(convertConst(convertBounds(node))));
  if (node.type === undefined && !node['x-kubernetes-int-or-string'] && !node['x-kubernetes-preserve-unknown-fields']) {
    return { ...node, type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  }
  return node;
}

/** The root of a CRD schema: apiVersion/kind plain strings, metadata an opaque object. */
export function toRootSchema(schema: unknown): JsonSchema {
  const root = toStructural(schema);
  const properties = isObject(root.properties) ? root.properties : {};
  const required = Array.isArray(root.required) ? root.required.filter((r) => r !== 'metadata' && r !== 'apiVersion' && r !== 'kind') : [];
  const out: JsonSchema = {
    type: 'object',
    properties: {
      ...properties,
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
    },
  };
  if (required.length > 0) out.required = required;
  return out;
}

/**
 * Every object node with known properties, at any depth, also keeps unknown fields: they are stored
 * as written, while the known properties stay typed and validated.
 */
export function keepUnknownFields(node: JsonSchema): JsonSchema {
  const out = { ...node };
  if (isObject(out.properties)) {
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, isObject(v) ? keepUnknownFields(v) : v]));
    if (out.type === 'object') out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  if (isObject(out.items)) out.items = keepUnknownFields(out.items);
  if (isObject(out.additionalProperties)) out.additionalProperties = keepUnknownFields(out.additionalProperties);
  return out;
}

/**
 * keepUnknownFields for one property of the root (`spec`): what users write. Never for `status`
 * (written by the controller through /status, where an unknown field is a bug to prune) nor for
 * `metadata` (the API server's own).
 */
export function keepUnknownFieldsIn(root: JsonSchema, property: string): JsonSchema {
  const properties = isObject(root.properties) ? root.properties : {};
  const node = properties[property];
  if (!isObject(node)) return root;
  return { ...root, properties: { ...properties, [property]: keepUnknownFields(node) } };
}

/** Every node carries a type (or an int-or-string / preserve-unknown marker): the structural rule. */
export function findUntypedNodes(schema: JsonSchema, path = ''): string[] {
  const self = schema.type !== undefined || schema['x-kubernetes-int-or-string'] === true ? [] : [path || '<root>'];
  const props = isObject(schema.properties) ? Object.entries(schema.properties) : [];
  const children = props.flatMap(([k, v]) => (isObject(v) ? findUntypedNodes(v, `${path}.${k}`) : []));
  const items = isObject(schema.items) ? findUntypedNodes(schema.items, `${path}[]`) : [];
  const extra = isObject(schema.additionalProperties) ? findUntypedNodes(schema.additionalProperties, `${path}{}`) : [];
  return [...self, ...children, ...items, ...extra];
}
