import { readFileSync } from 'node:fs';
import { isOlderNode, parseImageNodeVersion } from '../../../src/sandbox/cluster/image-node.js';

describe('the controller image\'s Node.js', () => {
  test('is read from the Dockerfile\'s NODE_IMAGE', () => {
    expect(parseImageNodeVersion('FROM x\nARG NODE_IMAGE=node:24.11-bookworm-slim\n')).toEqual({ major: 24, minor: 11 });
    expect(parseImageNodeVersion('FROM node:24\n')).toBeUndefined();
    expect(parseImageNodeVersion(readFileSync('Dockerfile', 'utf8'))?.major).toBeGreaterThanOrEqual(24);
  });

  test.each([
    ['20.20.2', true],
    ['24.10.0', true],
    ['24.11.1', false],
    ['26.0.0', false],
  ])('machine %s older than 24.11: %s', (machine, older) => {
    expect(isOlderNode(machine, { major: 24, minor: 11 })).toBe(older);
  });
});
