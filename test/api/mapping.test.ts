import { formatServiceRef, mappingSchema, parseServiceRef } from '../../src/api/mapping.js';

describe('parseServiceRef / formatServiceRef', () => {
  test.each([
    ['name only', 'demo-stable', { name: 'demo-stable' }],
    ['name and port', 'demo-stable:80', { name: 'demo-stable', port: '80' }],
    ['namespace', 'demo-stable.prod:8080', { name: 'demo-stable', namespace: 'prod', port: '8080' }],
    ['scheme', 'https://demo-stable.prod.svc.cluster.local:443', { scheme: 'https', name: 'demo-stable', namespace: 'prod.svc.cluster.local', port: '443' }],
  ])('%s', (_rule, text, ref) => {
    expect(parseServiceRef(text)).toEqual(ref);
    expect(formatServiceRef(ref)).toBe(text);
  });

  test('a malformed reference is undefined', () => {
    expect(parseServiceRef('demo:port')).toBeUndefined();
  });
});

describe('mappingSchema', () => {
  test('keeps unknown spec fields', () => {
    const mapping = mappingSchema.parse({
      apiVersion: 'getambassador.io/v2',
      kind: 'Mapping',
      metadata: { name: 'demo' },
      spec: { prefix: '/demo/', service: 'demo-stable:80', rewrite: '/', timeout_ms: 3000 },
    });
    expect(mapping.spec).toMatchObject({ rewrite: '/', timeout_ms: 3000 });
  });
});
