/**
 * The part of a getambassador.io Host the edge proxy uses: `spec.mappingSelector.matchLabels`
 * (Emissary groups a host-less Mapping by the labels of every Host that selects it). A Host without
 * a mappingSelector (or with only matchExpressions) selects nothing here.
 */
import type { HostSelector } from './mapping-groups.js';

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringLabels(value: unknown): Record<string, string> {
  if (!isObj(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** The Host's selector, or undefined when it has no matchLabels. */
export function readHostSelector(raw: unknown): HostSelector | undefined {
  if (!isObj(raw) || !isObj(raw.spec)) return undefined;
  const metadata = isObj(raw.metadata) ? raw.metadata : {};
  const selector = raw.spec.mappingSelector ?? raw.spec.selector;
  const matchLabels = stringLabels(isObj(selector) ? selector.matchLabels : undefined);
  if (Object.keys(matchLabels).length === 0) return undefined;
  return { key: `${String(metadata.namespace ?? '')}/${String(metadata.name ?? '')}`, matchLabels };
}
