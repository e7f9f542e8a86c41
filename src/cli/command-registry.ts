import { clusterCommand } from './cluster-command.js';
import type { Command } from './command.js';
import { controllerCommand } from './controller-command.js';
import { abortCommand, pauseCommand, promoteCommand, retryCommand } from './intent-command.js';
import { lintCommand } from './lint-command.js';
import { planCommand } from './plan-command.js';

/** Every verb of the CLI, in the order `kanary --help` lists them. */
export function commandRegistry(): Command[] {
  return [controllerCommand, promoteCommand, abortCommand, retryCommand, pauseCommand, clusterCommand, lintCommand, planCommand];
}
