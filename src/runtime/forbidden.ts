/**
 * A list or watch the API server refused with 403: the controller lacks RBAC for that resource.
 * Such an informer counts as synced-and-empty so everything else keeps working; the supervisor
 * reports it once, naming the verb and resource, and keeps retrying quietly in case RBAC is fixed.
 */
export function isForbiddenError(error: unknown): boolean {
  const candidate = error as { statusCode?: unknown; code?: unknown } | null;
  return candidate !== null && typeof candidate === 'object' && (candidate.statusCode === 403 || candidate.code === 403);
}
