import { createServer } from 'node:net';

const LOOPBACK = '127.0.0.1';

/** Thrown when a port the user asked for cannot be used. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} on ${LOOPBACK} is already in use; choose another with --port or omit it`);
    this.name = 'PortInUseError';
  }
}

/** Binds `port` (0: any free port) on 127.0.0.1, closes it again and resolves to the bound port. */
function probe(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

export function freePort(): Promise<number> {
  return probe(0);
}

export async function isPortFree(port: number): Promise<boolean> {
  try {
    await probe(port);
    return true;
  } catch {
    return false;
  }
}

/** The given port when free (PortInUseError otherwise), else a free one. */
export async function choosePort(requested?: number): Promise<number> {
  if (requested === undefined) return freePort();
  if (!(await isPortFree(requested))) throw new PortInUseError(requested);
  return requested;
}

/** `count` distinct free ports. */
export async function distinctFreePorts(count: number, taken: readonly number[] = []): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    if (!ports.includes(port) && !taken.includes(port)) ports.push(port);
  }
  return ports;
}

/** Parses a --port value: an integer in 1..65535, or undefined for an invalid one. */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}
