import { createServer, type Server } from 'node:net';
import { PortInUseError, choosePort, distinctFreePorts, isPortFree, parsePort } from '../../../src/sandbox/cluster/ports.js';

describe('parsePort', () => {
  test.each([
    ['6443', 6443],
    ['1', 1],
    ['65535', 65535],
    ['0', undefined],
    ['65536', undefined],
    ['-1', undefined],
    ['12ab', undefined],
    ['', undefined],
    ['1.5', undefined],
  ])('%j -> %s', (text, expected) => {
    expect(parsePort(text)).toBe(expected);
  });
});

describe('port choice on 127.0.0.1', () => {
  let server: Server;
  let busy = 0;

  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    busy = typeof address === 'object' && address ? address.port : 0;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('a port in use is reported as not free', async () => {
    expect(await isPortFree(busy)).toBe(false);
  });

  test('a given port in use is a clear error naming it', async () => {
    await expect(choosePort(busy)).rejects.toThrow(PortInUseError);
    await expect(choosePort(busy)).rejects.toThrow(String(busy));
  });

  test('without a given port a free one is chosen', async () => {
    const port = await choosePort();
    expect(port).not.toBe(busy);
    expect(await isPortFree(port)).toBe(true);
  });

  test('distinctFreePorts returns distinct ports avoiding the taken ones', async () => {
    const ports = await distinctFreePorts(3, [busy]);
    expect(new Set(ports).size).toBe(3);
    expect(ports).not.toContain(busy);
  });
});
