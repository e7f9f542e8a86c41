/**
 * Dashboard actions run the CLI's own verbs (promote, abort, retry, pause from
 * src/cli/intent-command.ts, which send the patch computed by src/core/intent-patches.ts) with the
 * dashboard's kubeconfig flags, so a button does exactly what `kanary promote NAME -n NS` does and
 * answers with the same line, or with the API server's refusal word for word.
 */
import type { CliIo, Command } from '../cli/command.js';
import { UserError } from '../cli/command.js';
import { abortCommand, pauseCommand, promoteCommand, retryCommand } from '../cli/intent-command.js';
import type { IntentVerb } from '../core/intent-patches.js';
import { KubeError } from '../kube/errors.js';
import type { IntentResult, RunIntent } from './dashboard-server.js';

export interface KubeFlags {
  kubeconfig?: string;
  context?: string;
}

const COMMANDS: Record<IntentVerb, { command: Command; extra: string[] }> = {
  promote: { command: promoteCommand, extra: [] },
  promoteFull: { command: promoteCommand, extra: ['--full'] },
  abort: { command: abortCommand, extra: [] },
  retry: { command: retryCommand, extra: [] },
  pause: { command: pauseCommand, extra: [] },
};

/** The CLI arguments for one verb on one Rollout. */
export function buildIntentArgs(verb: IntentVerb, target: { namespace: string; name: string }, flags: KubeFlags): string[] {
  return [
    target.name, '-n', target.namespace, ...COMMANDS[verb].extra,
    ...(flags.kubeconfig ? ['--kubeconfig', flags.kubeconfig] : []),
    ...(flags.context ? ['--context', flags.context] : []),
  ];
}

/** An error thrown by a verb as the answer the page shows. */
export function describeIntentError(error: unknown): IntentResult {
  if (error instanceof KubeError) return { ok: false, statusCode: error.statusCode || 502, message: error.message };
  if (error instanceof UserError) {
    const unreachable = error.message.startsWith('cannot reach');
    return { ok: false, statusCode: unreachable ? 502 : 409, message: error.message };
  }
  return { ok: false, statusCode: 500, message: error instanceof Error ? error.message : String(error) };
}

export function createIntentRunner(flags: KubeFlags, env: NodeJS.ProcessEnv): RunIntent {
  return async (verb, target) => {
    let output = '';
    const io: CliIo = { stdout: (text) => { output += text; }, stderr: (text) => { output += text; }, env, isTty: false };
    try {
      const code = await COMMANDS[verb].command.run(buildIntentArgs(verb, target, flags), io);
      return { ok: code === 0, statusCode: code === 0 ? 200 : 500, message: output.trim() };
    } catch (error) {
      return describeIntentError(error);
    }
  };
}
