/**
 * Preloaded (`node --import`) into a process the simulated kubelet runs as a pod. Pods here share the
 * host's network, each with its own loopback address (src/sandbox/pod-network.ts); a listen on "all
 * interfaces" or on loopback means the pod's own interfaces, so it is bound to the pod's address
 * (KANARY_SIM_POD_IP). Two controller pods can then both serve :8081, as in a real cluster.
 */
import net from 'node:net';

const podIP = process.env.KANARY_SIM_POD_IP;
const podWide = new Set([undefined, '', '0.0.0.0', '::', '127.0.0.1', '::1', 'localhost']);

type ListenArgs = unknown[];

function isTcpOptions(value: unknown): value is { host?: string } {
  return typeof value === 'object' && value !== null && !('path' in value) && !('fd' in value) && !('handle' in value);
}

function isPort(value: unknown): boolean {
  return typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value));
}

function rewrite(args: ListenArgs, ip: string): ListenArgs {
  const [first, second, ...rest] = args;
  if (isTcpOptions(first)) return podWide.has(first.host) ? [{ ...first, host: ip }, second, ...rest] : args;
  if (!isPort(first)) return args;
  if (typeof second === 'string') return podWide.has(second) ? [first, ip, ...rest] : args;
  return [first, ip, ...args.slice(1)];
}

if (podIP) {
  const original = net.Server.prototype.listen;
  net.Server.prototype.listen = function listen(this: net.Server, ...args: ListenArgs): net.Server {
    return (original as (...a: ListenArgs) => net.Server).apply(this, rewrite(args, podIP).filter((a, i) => i === 0 || a !== undefined));
  } as typeof net.Server.prototype.listen;
}
