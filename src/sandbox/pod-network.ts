/**
 * The simulated pod network. A simulated pod listens on its own loopback address 127.P.x.y, but the
 * API server refuses loopback addresses in EndpointSlices (and Endpoints), so the real endpointslice
 * controller could not publish it. Pods therefore report 240.P.x.y as their IP: the same address in
 * 240.0.0.0/4, a reserved range that is never routed, which the API server accepts. Whatever
 * connects to a pod (the edge proxy, tests) turns that address back into the loopback one, as a
 * CNI's routes would; nothing ever sends a packet to 240.0.0.0/4. Pure.
 */

const LOOPBACK_PREFIX = '127.';
const POD_NETWORK_PREFIX = '240.';

/** The pod IP reported in status for a pod listening on `loopbackIp` (127.P.x.y → 240.P.x.y). */
export function podNetworkAddress(loopbackIp: string): string {
  if (!loopbackIp.startsWith(LOOPBACK_PREFIX)) throw new Error(`simulated pods listen on loopback addresses, not ${loopbackIp}`);
  return POD_NETWORK_PREFIX + loopbackIp.slice(LOOPBACK_PREFIX.length);
}

/** Where a pod IP really listens: 240.P.x.y → 127.P.x.y; any other address as it is. */
export function loopbackAddressOf(podIp: string): string {
  return podIp.startsWith(POD_NETWORK_PREFIX) ? LOOPBACK_PREFIX + podIp.slice(POD_NETWORK_PREFIX.length) : podIp;
}
