import type { ContainerSnapshot } from './container-state.js';

/** A container the kubelet will not start: it waits with a reason and message, as a kubelet reports it. */
export class BlockedContainer {
  constructor(
    private readonly container: { name: string; image: string },
    private readonly reason: string,
    private readonly message: string,
  ) {}

  snapshot(): ContainerSnapshot {
    return {
      name: this.container.name,
      image: this.container.image,
      ready: false,
      restartCount: 0,
      state: { kind: 'waiting', reason: this.reason, message: this.message },
    };
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}
