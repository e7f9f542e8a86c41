/**
 * A webhook outage scoped to namespaces, for tests on a shared local cluster: while the outage file
 * lists a namespace, a ConversionReview whose objects all belong to listed namespaces is answered
 * like a stopped webhook would be (the connection is dropped, no response). Requests that convert
 * objects of other namespaces (or a mix, such as a cluster-wide list) are converted as usual, so
 * other tests sharing the cluster keep working. The file is `{"namespaces": ["ns", ...]}`; it is
 * read on every request, so writing or deleting it takes effect at once.
 */
import { readFileSync } from 'node:fs';

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The namespaces the outage file lists; none when it is absent or unreadable. */
export function readOutageNamespaces(file: string | undefined): Set<string> {
  if (file === undefined) return new Set();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return new Set();
  }
  const list = isObj(parsed) && Array.isArray(parsed.namespaces) ? parsed.namespaces : [];
  return new Set(list.filter((n): n is string => typeof n === 'string'));
}

/** Whether a ConversionReview converts only objects of the given namespaces (and at least one). Pure. */
export function reviewIsInOutage(review: unknown, namespaces: ReadonlySet<string>): boolean {
  if (namespaces.size === 0) return false;
  const request = isObj(review) && isObj(review.request) ? review.request : {};
  const objects = Array.isArray(request.objects) ? request.objects : [];
  if (objects.length === 0) return false;
  return objects.every((object) => {
    const metadata = isObj(object) && isObj(object.metadata) ? object.metadata : {};
    return typeof metadata.namespace === 'string' && namespaces.has(metadata.namespace);
  });
}
