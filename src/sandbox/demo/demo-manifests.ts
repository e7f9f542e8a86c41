/**
 * The demo's objects: examples/demo/ with the Prometheus address filled in and the base Mapping
 * given the demo's own ambassador_id (so the edge proxy routes only the demo's Mappings even on a
 * cluster shared with other work).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';

export type Doc = Record<string, unknown>;

const FILES = ['analysis-templates.yaml', 'services.yaml', 'mapping.yaml', 'rollout.yaml'];
export const PROMETHEUS_PLACEHOLDER = 'PROMETHEUS_ADDRESS';

export interface DemoManifestOptions {
  repoRoot: string;
  prometheusAddress: string;
  ambassadorId: string;
}

function fillPlaceholder(text: string, address: string): string {
  return text.split(PROMETHEUS_PLACEHOLDER).join(address);
}

function withAmbassadorId(doc: Doc, ambassadorId: string): Doc {
  if (doc.kind !== 'Mapping') return doc;
  const spec = (doc.spec ?? {}) as Doc;
  return { ...doc, spec: { ...spec, ambassador_id: [ambassadorId] } };
}

export function buildDemoManifests(options: DemoManifestOptions): Doc[] {
  const docs: Doc[] = [];
  for (const file of FILES) {
    const text = fillPlaceholder(readFileSync(join(options.repoRoot, 'examples', 'demo', file), 'utf8'), options.prometheusAddress);
    for (const doc of yaml.loadAll(text)) {
      if (doc && typeof doc === 'object') docs.push(withAmbassadorId(doc as Doc, options.ambassadorId));
    }
  }
  return docs;
}

/** The image of a demo version, e.g. `kanary/demo-app:v2`. */
export function demoImage(version: string): string {
  return `kanary/demo-app:${version}`;
}

/** Steps of the manual release: half the traffic, then wait for `kanary promote`. */
export const MANUAL_STEPS = [{ setWeight: 50 }, { pause: {} }];
