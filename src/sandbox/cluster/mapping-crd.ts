/**
 * Makes Emissary's Mapping CRD installable on the local Kubernetes 1.20 API server (see
 * vendor/README.md): union-typed property schemas (`oneOf`/`anyOf`, which 1.20 rejects as
 * non-structural) become `x-kubernetes-preserve-unknown-fields: true`, conversion becomes `None`
 * (no conversion webhook runs locally), and `spec` of every version preserves unknown fields so
 * v3alpha1-only fields such as `hostname` survive being stored as v2. Pure: returns a new object.
 */

type Schema = Record<string, unknown>;

const PRESERVE = 'x-kubernetes-preserve-unknown-fields';

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether the schema (or the schema of its items / map values) is a union type. */
export function usesUnion(schema: unknown): boolean {
  if (!isSchema(schema)) return false;
  if ('oneOf' in schema || 'anyOf' in schema) return true;
  return usesUnion(schema.items) || usesUnion(schema.additionalProperties);
}

function preserved(schema: Schema): Schema {
  const replacement: Schema = { [PRESERVE]: true };
  if (typeof schema.description === 'string') replacement.description = schema.description;
  return replacement;
}

/** Returns the schema with every union-typed property (at any depth) replaced by preserve-unknown. */
export function structuralSchema(schema: Schema): Schema {
  const result: Schema = { ...schema };
  if (isSchema(schema.properties)) {
    const properties: Schema = {};
    for (const [name, property] of Object.entries(schema.properties)) {
      if (!isSchema(property)) continue;
      properties[name] = usesUnion(property) ? preserved(property) : structuralSchema(property);
    }
    result.properties = properties;
  }
  if (isSchema(schema.items)) result.items = structuralSchema(schema.items);
  if (isSchema(schema.additionalProperties)) {
    result.additionalProperties = structuralSchema(schema.additionalProperties);
  }
  return result;
}

function patchVersion(version: Schema): Schema {
  const schema = isSchema(version.schema) ? version.schema : {};
  const root = isSchema(schema.openAPIV3Schema) ? structuralSchema(schema.openAPIV3Schema) : {};
  const properties = isSchema(root.properties) ? root.properties : {};
  const spec = isSchema(properties.spec) ? properties.spec : { type: 'object' };
  const patchedRoot = { ...root, properties: { ...properties, spec: { ...spec, [PRESERVE]: true } } };
  return { ...version, schema: { ...schema, openAPIV3Schema: patchedRoot } };
}

/** The Mapping CRD as the local 1.20 API server accepts it. */
export function patchMappingCrd(crd: Schema): Schema {
  const spec = isSchema(crd.spec) ? crd.spec : {};
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isSchema) : [];
  return {
    ...crd,
    spec: { ...spec, conversion: { strategy: 'None' }, versions: versions.map(patchVersion) },
  };
}
