/** Stop functions run last-in first-out, each once, errors reported and not fatal. */
export class CleanupStack {
  private readonly steps: Array<{ name: string; run: () => Promise<void> }> = [];

  push(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  async runAll(report: (line: string) => void): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop();
      if (!step) break;
      try {
        await step.run();
      } catch (error) {
        report(`could not stop ${step.name}: ${(error as Error).message}`);
      }
    }
  }
}
