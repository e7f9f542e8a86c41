import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOutageNamespaces, reviewIsInOutage } from '../../../src/sandbox/emissary-conversion/outage.js';

const review = (...namespaces: (string | undefined)[]): unknown => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'ConversionReview',
  request: { uid: 'u', desiredAPIVersion: 'getambassador.io/v2', objects: namespaces.map((namespace) => ({ kind: 'Mapping', metadata: { name: 'm', ...(namespace ? { namespace } : {}) } })) },
});

describe('readOutageNamespaces', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outage-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('lists the namespaces of the file, ignoring anything that is not a string', () => {
    const file = join(dir, 'a.json');
    writeFileSync(file, JSON.stringify({ namespaces: ['team-a', 7, 'team-b'] }));
    expect([...readOutageNamespaces(file)]).toEqual(['team-a', 'team-b']);
  });

  test('no file, no flag, or a file that is not JSON: no outage', () => {
    expect(readOutageNamespaces(join(dir, 'missing.json')).size).toBe(0);
    expect(readOutageNamespaces(undefined).size).toBe(0);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{not json');
    expect(readOutageNamespaces(broken).size).toBe(0);
  });
});

describe('reviewIsInOutage', () => {
  const down = new Set(['team-a']);

  test('a review of objects all in an outage namespace gets no answer', () => {
    expect(reviewIsInOutage(review('team-a'), down)).toBe(true);
    expect(reviewIsInOutage(review('team-a', 'team-a'), down)).toBe(true);
  });

  test('other namespaces, a mix (a cluster-wide list), cluster-scoped objects and empty reviews are served', () => {
    expect(reviewIsInOutage(review('team-b'), down)).toBe(false);
    expect(reviewIsInOutage(review('team-a', 'team-b'), down)).toBe(false);
    expect(reviewIsInOutage(review(undefined), down)).toBe(false);
    expect(reviewIsInOutage(review(), down)).toBe(false);
    expect(reviewIsInOutage(review('team-a'), new Set())).toBe(false);
    expect(reviewIsInOutage('nonsense', down)).toBe(false);
  });
});
