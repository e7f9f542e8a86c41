/**
 * Every verb of the CLI, in the order `kanary --help` lists them. A verb's module (and whatever it
 * imports: @kubernetes/client-node, the local stack, the dashboard) is loaded only when that verb
 * runs, so `kanary version` or `kanary lint` never pay for the cluster client. The summaries are
 * the verbs' own (a test checks each against its module).
 */
import type { Command } from './command.js';

export interface VerbEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export function commandRegistry(): VerbEntry[] {
  return [
    { name: 'get', summary: 'show a rollout: status, step, weights, images, revisions tree (-w to watch)', load: async () => (await import('./get-rollout-command.js')).getCommand },
    { name: 'list', summary: 'list rollouts with status, step and weight (-A all namespaces, -w watch)', load: async () => (await import('./list-rollouts-command.js')).listCommand },
    { name: 'promote', summary: 'move a paused rollout to its next step (--full: to the end)', load: async () => (await import('./intent-command.js')).promoteCommand },
    { name: 'abort', summary: 'abort a rollout: canary traffic back to stable at once', load: async () => (await import('./intent-command.js')).abortCommand },
    { name: 'retry', summary: 'restart an aborted rollout from its first step', load: async () => (await import('./intent-command.js')).retryCommand },
    { name: 'pause', summary: 'pause a rollout where it stands (promote resumes it)', load: async () => (await import('./intent-command.js')).pauseCommand },
    { name: 'set', summary: 'set image: change container images (starts a new canary)', load: async () => (await import('./set-image-command.js')).setCommand },
    { name: 'restart', summary: 'replace every pod of a rollout (spec.restartAt), maxUnavailable at a time', load: async () => (await import('./restart-command.js')).restartCommand },
    { name: 'undo', summary: 'roll the pod template back to the previous (or a given) revision', load: async () => (await import('./undo-command.js')).undoCommand },
    { name: 'status', summary: 'follow a rollout until Healthy (exit 0), Degraded (1) or --timeout (2)', load: async () => (await import('./status-command.js')).statusCommand },
    { name: 'report', summary: 'tell the story of one release: steps, weights, analysis values, who decided what and why, durations', load: async () => (await import('./report-command.js')).reportCommand },
    { name: 'lint', summary: 'Validate Rollout, AnalysisTemplate, Service and Mapping manifests offline', load: async () => (await import('./lint-command.js')).lintCommand },
    { name: 'plan', summary: 'Print the step-by-step timeline of a Rollout manifest offline', load: async () => (await import('./plan-command.js')).planCommand },
    { name: 'migrate', summary: 'Rewrite Argo Rollouts manifests as Kanary ones, in place, and report what Kanary would refuse', load: async () => (await import('./migrate-command.js')).migrateCommand },
    { name: 'judge', summary: 'Judge canary against baseline counts (CSV) with the sequential rate-ratio test', load: async () => (await import('./judge-command.js')).judgeCommand },
    { name: 'backtest', summary: 'Replay an AnalysisTemplate over Prometheus history: would it have stopped past releases?', load: async () => (await import('./backtest-command.js')).backtestCommand },
    { name: 'dashboard', summary: 'serve a live web dashboard of Rollouts on 127.0.0.1 (promote/abort from the browser)', load: async () => (await import('./dashboard-command.js')).dashboardCommand },
    { name: 'controller', summary: 'run the Kanary controller (reconciles Rollouts and AnalysisRuns)', load: async () => (await import('./controller-command.js')).controllerCommand },
    { name: 'cluster', summary: 'build, start, stop or inspect the local Kubernetes cluster (Kubernetes 1.37 or 1.35 on loopback)', load: async () => (await import('./cluster-command.js')).clusterCommand },
    { name: 'version', summary: 'print the kanary version', load: async () => (await import('./version-command.js')).versionCommand },
    { name: 'completion', summary: 'print a shell completion script (bash, zsh or fish)', load: async () => (await import('./completion-command.js')).completionCommand },
  ];
}
