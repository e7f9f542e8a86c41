import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { patchMappingCrd, structuralSchema, usesUnion } from '../../../src/sandbox/cluster/mapping-crd.js';

type Obj = Record<string, unknown>;

const vendored = yaml.load(readFileSync(join(process.cwd(), 'vendor', 'emissary-mapping-crd.yaml'), 'utf8')) as Obj;
const PRESERVE = 'x-kubernetes-preserve-unknown-fields';

function versions(crd: Obj): Obj[] {
  return (crd.spec as Obj).versions as Obj[];
}

function root(version: Obj): Obj {
  return (version.schema as Obj).openAPIV3Schema as Obj;
}

function specSchema(version: Obj): Obj {
  return (root(version).properties as Obj).spec as Obj;
}

/** Every schema node of the tree, depth first. */
function nodes(schema: unknown): Obj[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return [];
  const s = schema as Obj;
  const children = [
    ...Object.values((s.properties as Obj | undefined) ?? {}),
    s.items,
    s.additionalProperties,
    ...(((s.oneOf ?? s.anyOf) as unknown[] | undefined) ?? []),
  ];
  return [s, ...children.flatMap(nodes)];
}

describe('usesUnion', () => {
  test.each([
    [{ type: 'string' }, false],
    [{ oneOf: [{ type: 'string' }, { type: 'array' }] }, true],
    [{ anyOf: [{ type: 'string' }] }, true],
    [{ type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, { type: 'object' }] } }, true],
    [{ type: 'array', items: { anyOf: [{ type: 'integer' }] } }, true],
    [{ type: 'object', properties: { a: { oneOf: [{ type: 'string' }] } } }, false],
  ])('%j -> %s', (schema, expected) => {
    expect(usesUnion(schema)).toBe(expected);
  });
});

describe('structuralSchema', () => {
  test('replaces the innermost union-typed property and keeps its siblings and description', () => {
    const input = {
      type: 'object',
      properties: {
        cors: {
          type: 'object',
          properties: {
            headers: { description: 'list or string', items: { type: 'string' }, oneOf: [{ type: 'string' }, { type: 'array' }] },
            max_age: { type: 'string' },
          },
        },
        prefix: { type: 'string' },
      },
    };
    expect(structuralSchema(input)).toEqual({
      type: 'object',
      properties: {
        cors: {
          type: 'object',
          properties: {
            headers: { description: 'list or string', [PRESERVE]: true },
            max_age: { type: 'string' },
          },
        },
        prefix: { type: 'string' },
      },
    });
  });

  test('does not modify its input', () => {
    const input = { type: 'object', properties: { a: { oneOf: [{ type: 'string' }] } } };
    const copy = structuredClone(input);
    structuralSchema(input);
    expect(input).toEqual(copy);
  });
});

describe('patchMappingCrd on the vendored Emissary CRD', () => {
  const patched = patchMappingCrd(vendored);

  test('the vendored copy really contains union schemas (the reason for the patch)', () => {
    expect(versions(vendored).flatMap((v) => nodes(root(v))).some((n) => 'oneOf' in n || 'anyOf' in n)).toBe(true);
  });

  test('no oneOf/anyOf remains in any version', () => {
    for (const version of versions(patched)) {
      expect(nodes(root(version)).filter((n) => 'oneOf' in n || 'anyOf' in n)).toEqual([]);
    }
  });

  test('conversion is None (no webhook)', () => {
    expect((patched.spec as Obj).conversion).toEqual({ strategy: 'None' });
  });

  test('spec of every version preserves unknown fields', () => {
    expect(versions(patched).map((v) => [v.name, specSchema(v)[PRESERVE]])).toEqual([
      ['v1', true],
      ['v2', true],
      ['v3alpha1', true],
    ]);
  });

  test('v2 stays the storage version and v3alpha1 is served', () => {
    expect(versions(patched).map((v) => [v.name, v.served, v.storage])).toEqual([
      ['v1', true, false],
      ['v2', true, true],
      ['v3alpha1', true, false],
    ]);
  });

  test('typed fields outside unions keep their schema', () => {
    const v3 = versions(patched).find((v) => v.name === 'v3alpha1') as Obj;
    const props = specSchema(v3).properties as Obj;
    expect(props.hostname).toEqual(expect.objectContaining({ type: 'string' }));
    expect(props.prefix).toEqual(expect.objectContaining({ type: 'string' }));
  });
});
