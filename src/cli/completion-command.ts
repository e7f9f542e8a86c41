/**
 * `kanary completion bash|zsh|fish`: a shell completion script for the verbs, the `rollout(s)`
 * kind of get/list, flags, and Rollout names (read with kubectl when it is installed).
 */
import type { Command } from './command.js';
import { UserError } from './command.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export interface VerbInfo {
  name: string;
  summary: string;
}

/** Verbs whose next word is a Rollout name. */
const NAMED_VERBS = ['promote', 'abort', 'retry', 'pause', 'undo', 'status', 'report'];
const FLAGS = ['--namespace', '--context', '--kubeconfig', '--help', '-n', '-o', '-w', '-A', '--watch', '--timeout', '--output', '--all-namespaces', '--full', '--to-revision', '--revision'];
const NAMES_CMD = "kubectl get rollouts.kanary.dev -o jsonpath='{.items[*].metadata.name}' 2>/dev/null";

function bashScript(verbs: readonly VerbInfo[]): string {
  return `# kanary bash completion. Load with: source <(kanary completion bash)
_kanary() {
  local cur prev verb
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  verb="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${verbs.map((v) => v.name).join(' ')}" -- "$cur") )
    return
  fi
  case "$cur" in -*) COMPREPLY=( $(compgen -W "${FLAGS.join(' ')}" -- "$cur") ); return ;; esac
  case "$prev" in
    -o|--output) COMPREPLY=( $(compgen -W "json yaml" -- "$cur") ); return ;;
    rollout|rollouts|ro|image|${NAMED_VERBS.join('|')})
      COMPREPLY=( $(compgen -W "$(${NAMES_CMD})" -- "$cur") ); return ;;
  esac
  case "$verb" in
    get|list) [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=( $(compgen -W "rollout rollouts" -- "$cur") ) ;;
    set) [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=( $(compgen -W "image" -- "$cur") ) ;;
    completion) COMPREPLY=( $(compgen -W "${SHELLS.join(' ')}" -- "$cur") ) ;;
  esac
}
complete -F _kanary kanary
complete -F _kanary kubectl-kanary
`;
}

function zshScript(verbs: readonly VerbInfo[]): string {
  const described = verbs.map((v) => `    '${v.name}:${v.summary.replace(/'/g, '')}'`).join('\n');
  return `#compdef kanary kubectl-kanary
# kanary zsh completion. Load with: source <(kanary completion zsh)
_kanary() {
  local -a verbs
  verbs=(
${described}
  )
  if (( CURRENT == 2 )); then
    _describe 'verb' verbs
    return
  fi
  case "$words[CURRENT-1]" in
    -o|--output) compadd json yaml; return ;;
    rollout|rollouts|ro|image|${NAMED_VERBS.join('|')}) compadd -- \${=$(${NAMES_CMD})}; return ;;
  esac
  case "$words[2]" in
    get|list) (( CURRENT == 3 )) && compadd rollout rollouts ;;
    set) (( CURRENT == 3 )) && compadd image ;;
    completion) compadd ${SHELLS.join(' ')} ;;
  esac
  [[ "$PREFIX" == -* ]] && compadd -- ${FLAGS.join(' ')}
}
if [ "$funcstack[1]" = "_kanary" ]; then _kanary "$@"; else compdef _kanary kanary kubectl-kanary; fi
`;
}

function fishScript(verbs: readonly VerbInfo[]): string {
  const verbLines = verbs.map((v) => `complete -c kanary -n '__fish_use_subcommand' -a '${v.name}' -d '${v.summary.replace(/'/g, '')}'`);
  return `# kanary fish completion. Load with: kanary completion fish | source
complete -c kanary -f
${verbLines.join('\n')}
complete -c kanary -n '__fish_seen_subcommand_from get list' -a 'rollout rollouts'
complete -c kanary -n '__fish_seen_subcommand_from set' -a 'image'
complete -c kanary -n '__fish_seen_subcommand_from completion' -a '${SHELLS.join(' ')}'
complete -c kanary -n '__fish_seen_subcommand_from ${NAMED_VERBS.join(' ')} rollout rollouts image' -a '(${NAMES_CMD.replace(/'/g, '"')} | string split " ")'
complete -c kanary -s n -l namespace -r -d 'namespace'
complete -c kanary -l context -r -d 'kubeconfig context'
complete -c kanary -l kubeconfig -r -F -d 'kubeconfig file'
complete -c kanary -s o -l output -r -a 'json yaml' -d 'output format'
complete -c kanary -s w -l watch -d 'watch'
complete -c kanary -s A -l all-namespaces -d 'every namespace'
complete -c kanary -l timeout -r -d 'give up after a duration'
`;
}

/** The completion script for `shell` (pure). */
export function buildCompletionScript(shell: Shell, verbs: readonly VerbInfo[]): string {
  if (shell === 'bash') return bashScript(verbs);
  return shell === 'zsh' ? zshScript(verbs) : fishScript(verbs);
}

const USAGE_LINE = 'kanary completion bash|zsh|fish';

export const completionCommand: Command = {
  name: 'completion',
  summary: 'print a shell completion script (bash, zsh or fish)',
  usage: `Usage: ${USAGE_LINE}

Prints a completion script for verbs, flags and Rollout names (names need kubectl on PATH).

Example:
  source <(kanary completion bash)
  kanary completion fish > ~/.config/fish/completions/kanary.fish
`,
  async run(argv, io) {
    const [shell, ...rest] = argv;
    if (!SHELLS.includes(shell as Shell) || rest.length > 0) throw new UserError(`usage: ${USAGE_LINE}`);
    const { commandRegistry } = await import('./command-registry.js');
    const verbs = commandRegistry().map((c) => ({ name: c.name, summary: c.summary }));
    io.stdout(buildCompletionScript(shell as Shell, verbs));
    return 0;
  },
};
