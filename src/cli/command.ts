/** The contract every `kanary` verb implements; main.ts composes them. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  isTty: boolean;
}

export interface Command {
  /** The verb as typed, e.g. `lint` or `cluster`. */
  name: string;
  /** One line for `kanary --help`. */
  summary: string;
  /** Full usage text with at least one example, for `kanary VERB --help`. */
  usage: string;
  /** Runs the verb with the arguments after it; resolves to the process exit code. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** A mistake by the user: printed as one line, exit code 1 (or the given code), never a stack. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'UserError';
  }
}
