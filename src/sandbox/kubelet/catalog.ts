import { type Behaviour, type BehaviourOverride, defaultBehaviour, mergeBehaviour } from './behaviour.js';

/** Images the simulated kubelet knows; any other image runs as a generic healthy server. */
export const catalog: Readonly<Record<string, BehaviourOverride>> = {
  'kanary/demo-app:v1': { version: 'v1', colour: 'blue' },
  'kanary/demo-app:v2': { version: 'v2', colour: 'green' },
  'kanary/demo-app:v3': {
    version: 'v3',
    colour: 'orange',
    errorRate: 0.3,
    slowShare: 0.2,
    slowMs: 800,
  },
  'kanary/never-ready:latest': { version: 'latest', neverReady: true },
  'kanary/crash-loop:latest': { version: 'latest', crashAfterMs: 3000 },
};

/** The tag of an image reference (`repo:tag` or `repo@sha256:…`), `latest` when none is given. */
export function imageVersion(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(at + 1);
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : 'latest';
}

/** Drops a leading `docker.io/` and `library/` so `docker.io/kanary/demo-app:v1` matches too. */
function normaliseImage(image: string): string {
  const withoutRegistry = image.startsWith('docker.io/') ? image.slice('docker.io/'.length) : image;
  const withTag = imageVersion(withoutRegistry) === 'latest' && !withoutRegistry.includes(':')
    ? `${withoutRegistry}:latest`
    : withoutRegistry;
  return withTag;
}

/** Whether the catalog has an entry for the image. */
export function isCatalogImage(image: string): boolean {
  return catalog[normaliseImage(image)] !== undefined;
}

/** The behaviour of an image, with optional per-pod overrides applied last. */
export function resolveBehaviour(image: string, override?: BehaviourOverride): Behaviour {
  const entry = catalog[normaliseImage(image)] ?? {};
  const base = mergeBehaviour(defaultBehaviour, { version: imageVersion(image) }, entry);
  return override ? mergeBehaviour(base, override) : base;
}
