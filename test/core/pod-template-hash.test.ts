import { computePodTemplateHash, computeStepsHash } from '../../src/core/pod-template-hash.js';
import { HASH_ALPHABET, HASH_LENGTH, canonicalJson } from '../../src/core/short-hash.js';

const template = {
  metadata: { labels: { app: 'web', tier: 'front' } },
  spec: { containers: [{ name: 'web', image: 'nginx:1', ports: [{ containerPort: 80 }] }] },
};
const reordered = {
  spec: { containers: [{ ports: [{ containerPort: 80 }], image: 'nginx:1', name: 'web' }] },
  metadata: { labels: { tier: 'front', app: 'web' } },
};

describe('computePodTemplateHash', () => {
  test.each([
    { name: 'key order never changes the hash', other: reordered, same: true },
    { name: 'the pod-template-hash label is ignored', other: { ...template, metadata: { labels: { ...template.metadata.labels, 'rollouts-pod-template-hash': 'abc' } } }, same: true },
    { name: 'an image change changes the hash', other: { ...template, spec: { containers: [{ name: 'web', image: 'nginx:2', ports: [{ containerPort: 80 }] }] } }, same: false },
    { name: 'a label change changes the hash', other: { ...template, metadata: { labels: { app: 'web', tier: 'back' } } }, same: false },
    { name: 'container order matters (arrays keep order)', other: { ...template, spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } }, same: false },
  ])('$name', ({ other, same }) => {
    expect(computePodTemplateHash(other) === computePodTemplateHash(template)).toBe(same);
  });

  test('is short and DNS-safe', () => {
    const hash = computePodTemplateHash(template);
    expect(hash).toHaveLength(HASH_LENGTH);
    expect([...hash].every((c) => HASH_ALPHABET.includes(c))).toBe(true);
    expect(hash).toMatch(/^[a-z0-9]+$/);
  });
});

describe('canonicalJson', () => {
  test.each([
    { value: { b: 1, a: { d: 2, c: 3 } }, expected: '{"a":{"c":3,"d":2},"b":1}' },
    { value: { a: undefined, b: [2, 1] }, expected: '{"b":[2,1]}' },
    { value: null, expected: 'null' },
  ])('$expected', ({ value, expected }) => {
    expect(canonicalJson(value)).toBe(expected);
  });
});

describe('computeStepsHash', () => {
  test.each([
    { name: 'same steps, same hash', a: [{ setWeight: 10 }], b: [{ setWeight: 10 }], same: true },
    { name: 'a changed weight changes it', a: [{ setWeight: 10 }], b: [{ setWeight: 20 }], same: false },
    { name: 'no steps equals empty steps', a: undefined, b: [], same: true },
  ])('$name', ({ a, b, same }) => {
    expect(computeStepsHash(a) === computeStepsHash(b)).toBe(same);
  });
});
