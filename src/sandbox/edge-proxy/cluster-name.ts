/**
 * The `envoy_cluster_name` label Emissary >= 2 puts on a Mapping's upstream statistics.
 *
 * Emissary sets Envoy's `alt_stat_name` to the Mapping's `stats_name`, which defaults to the
 * Mapping's service after namespace qualification (see qualifyService) with the scheme removed and
 * every character outside [0-9A-Za-z_] turned into `_`. So `demo-canary:80` in Emissary's own
 * namespace is `demo_canary_80`, and in namespace `shop` it is `demo_canary_shop_80`. (The internal
 * Envoy cluster name, `cluster_demo_canary_80_shop`, is not what Prometheus sees.)
 */
import { qualifyService, type QualifyOptions } from './service-ref.js';

const SCHEME_PREFIX = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Replaces every character outside [0-9A-Za-z_] with `_`. */
export function sanitizeStatName(text: string): string {
  return text.replace(/[^0-9A-Za-z_]/g, '_');
}

export interface ClusterNameOptions extends QualifyOptions {
  /** The Mapping's explicit `stats_name`, which wins when set. */
  statsName?: string;
}

export function buildEnvoyClusterName(options: ClusterNameOptions): string {
  if (options.statsName) return options.statsName;
  const qualified = qualifyService(options);
  return sanitizeStatName(qualified.replace(SCHEME_PREFIX, ''));
}
