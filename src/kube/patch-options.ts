/**
 * Per-call options that set the patch Content-Type. client-node 1.4's generated patch methods pick
 * the first entry of their content-type list (application/json-patch+json); a merge or strategic
 * merge patch must override the header through a request middleware.
 */
import * as k8s from '@kubernetes/client-node';

export type PatchCallOptions = ReturnType<typeof k8s.setHeaderOptions>;

/** JSON merge patch (RFC 7386): works on every resource, including custom resources. */
export function mergePatchOptions(): PatchCallOptions {
  return k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
}

/** Strategic merge patch: built-in resources only (not custom resources). */
export function strategicMergePatchOptions(): PatchCallOptions {
  return k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);
}
