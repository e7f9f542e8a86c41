/**
 * The demo's objects: examples/demo/ with the analysis templates of the metrics source (Prometheus,
 * or the web provider against the edge proxy's own counters), the metrics and counts addresses
 * filled in and
 * the base Mapping given the demo's own ambassador_id (so the edge proxy routes only the demo's
 * Mappings even on a cluster shared with other work).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import type { MetricsSource } from './demo-options.js';

export type Doc = Record<string, unknown>;

/** The analysis templates of each metrics source: same names, metrics, args and thresholds. */
export const TEMPLATE_FILES: Record<MetricsSource, string> = {
  prometheus: 'analysis-templates.yaml',
  'edge-proxy': 'analysis-templates-web.yaml',
};
const OTHER_FILES = ['services.yaml', 'mapping.yaml', 'rollout.yaml'];
export const METRICS_ADDRESS_PLACEHOLDER = 'METRICS_ADDRESS';
/** Where the judge reads its counts: Prometheus, or the edge proxy's admin address (/stats/counters). */
export const COUNTS_ADDRESS_PLACEHOLDER = 'COUNTS_ADDRESS';

export interface DemoManifestOptions {
  repoRoot: string;
  metrics: MetricsSource;
  /** Prometheus's URL, or the edge proxy's admin URL for `edge-proxy`. */
  metricsAddress: string;
  /** Prometheus's URL, or for `edge-proxy` the edge proxy's admin address (the judge reads /stats/counters). */
  countsAddress: string;
  ambassadorId: string;
}

function fillPlaceholders(text: string, options: DemoManifestOptions): string {
  return text.split(METRICS_ADDRESS_PLACEHOLDER).join(options.metricsAddress).split(COUNTS_ADDRESS_PLACEHOLDER).join(options.countsAddress);
}

function withAmbassadorId(doc: Doc, ambassadorId: string): Doc {
  if (doc.kind !== 'Mapping') return doc;
  const spec = (doc.spec ?? {}) as Doc;
  return { ...doc, spec: { ...spec, ambassador_id: [ambassadorId] } };
}

export function buildDemoManifests(options: DemoManifestOptions): Doc[] {
  const docs: Doc[] = [];
  for (const file of [TEMPLATE_FILES[options.metrics], ...OTHER_FILES]) {
    const text = fillPlaceholders(readFileSync(join(options.repoRoot, 'examples', 'demo', file), 'utf8'), options);
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
