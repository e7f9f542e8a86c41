/**
 * A loopback TCP proxy for cluster tests: lets a test cut a client's connections to the API server
 * (`cut()`), keep new ones refused, and restore them (`restore()`) on the same port.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import * as k8s from '@kubernetes/client-node';

export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly targetHost: string, private readonly targetPort: number) {}

  async start(port = 0): Promise<void> {
    const server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  /** Closes the listener and every open connection: clients see resets, then refusals. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  async restore(): Promise<void> {
    await this.start(this.port);
  }

  async stop(): Promise<void> {
    await this.cut();
  }

  private pipe(client: Socket): void {
    const upstream = connect(this.targetPort, this.targetHost);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}

/** Starts a proxy in front of `kc`'s API server and returns a KubeConfig that goes through it. */
export async function proxiedKubeConfig(kc: k8s.KubeConfig): Promise<{ proxy: TcpProxy; kc: k8s.KubeConfig }> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const server = new URL(cluster.server);
  const proxy = new TcpProxy(server.hostname, Number(server.port || 443));
  await proxy.start();
  const viaProxy = new URL(cluster.server);
  viaProxy.port = String(proxy.port);
  const copy = new k8s.KubeConfig();
  copy.loadFromString(kc.exportConfig());
  const clusters = copy.getClusters().map((c) =>
    c.name === cluster.name ? { ...c, server: viaProxy.toString().replace(/\/$/, '') } : c,
  );
  const proxied = new k8s.KubeConfig();
  proxied.loadFromOptions({
    clusters, users: copy.getUsers(), contexts: copy.getContexts(), currentContext: copy.getCurrentContext(),
  });
  return { proxy, kc: proxied };
}
