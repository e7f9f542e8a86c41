/** What identifies an object to delete, optionally guarded by a uid precondition. */
import type * as k8s from '@kubernetes/client-node';

export interface DeleteObjectOptions {
  namespace: string;
  name: string;
  /** Delete only if the live object still has this uid (a same-named newer object is left alone). */
  uid?: string;
}

/** The DeleteOptions body: background propagation, uid precondition when given. */
export function buildDeleteBody(uid: string | undefined): k8s.V1DeleteOptions {
  return uid ? { propagationPolicy: 'Background', preconditions: { uid } } : { propagationPolicy: 'Background' };
}
