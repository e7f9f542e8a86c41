/** The flags every cluster-facing verb takes: -n/--namespace, --context, --kubeconfig. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from './command.js';

export const COMMON_FLAG_OPTIONS = {
  namespace: { type: 'string', short: 'n' },
  context: { type: 'string' },
  kubeconfig: { type: 'string' },
} as const;

export const COMMON_FLAGS_USAGE = `  -n, --namespace NS   namespace (default: the context's, else "default")
      --context NAME   kubeconfig context
      --kubeconfig PATH  kubeconfig file (default: $KUBECONFIG, ~/.kube/config)`;

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses argv with the common flags plus `extra`; unknown flags are a one-line UserError. */
export function parseVerbArgs<O extends Options>(verb: string, argv: string[], extra: O) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON_FLAG_OPTIONS, ...extra }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UserError(`${verb}: ${(error as Error).message}. Run \`kanary ${verb} --help\`.`);
  }
}

/** The single NAME positional a verb needs. */
export function requireName(verb: string, positionals: string[], usageLine: string): string {
  const [name, ...rest] = positionals;
  if (!name || rest.length > 0) throw new UserError(`usage: ${usageLine}`);
  return name;
}
