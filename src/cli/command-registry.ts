import { clusterCommand } from './cluster-command.js';
import type { Command } from './command.js';
import { completionCommand } from './completion-command.js';
import { controllerCommand } from './controller-command.js';
import { dashboardCommand } from './dashboard-command.js';
import { getCommand } from './get-rollout-command.js';
import { abortCommand, pauseCommand, promoteCommand, retryCommand } from './intent-command.js';
import { judgeCommand } from './judge-command.js';
import { lintCommand } from './lint-command.js';
import { listCommand } from './list-rollouts-command.js';
import { migrateCommand } from './migrate-command.js';
import { planCommand } from './plan-command.js';
import { setCommand } from './set-image-command.js';
import { statusCommand } from './status-command.js';
import { undoCommand } from './undo-command.js';
import { versionCommand } from './version-command.js';

/** Every verb of the CLI, in the order `kanary --help` lists them. */
export function commandRegistry(): Command[] {
  return [
    getCommand, listCommand, promoteCommand, abortCommand, retryCommand, pauseCommand, setCommand, undoCommand, statusCommand,
    lintCommand, planCommand, migrateCommand, judgeCommand, dashboardCommand, controllerCommand, clusterCommand, versionCommand, completionCommand,
  ];
}
