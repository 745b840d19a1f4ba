// Which command starts the language server. No `vscode` import: unit-tested in Node.

export interface ServerCommand {
  command: string;
  args: string[];
  /** Where the choice came from, for the log. */
  source: string;
}

export interface CommandInputs {
  serverCommand: string[];
  interpreter: string[];
  /** The interpreter the Python extension selected for the workspace, if any. */
  pythonExtension: () => Promise<string | undefined>;
  /** Fallback when nothing else is configured. */
  defaultPython: string;
}

const SERVER_ARGS = ["-m", "funcls", "--stdio"];

export async function resolveServerCommand(inputs: CommandInputs): Promise<ServerCommand> {
  const [first, ...rest] = inputs.serverCommand;
  if (first !== undefined) {
    return { command: first, args: rest, source: "setting funcls.serverCommand" };
  }
  const [python, ...pythonArgs] = inputs.interpreter;
  if (python !== undefined) {
    return {
      command: python,
      args: [...pythonArgs, ...SERVER_ARGS],
      source: "setting funcls.interpreter",
    };
  }
  let selected: string | undefined;
  try {
    selected = await inputs.pythonExtension();
  } catch {
    selected = undefined;
  }
  if (selected !== undefined && selected.trim() !== "") {
    return { command: selected, args: [...SERVER_ARGS], source: "the Python extension's interpreter" };
  }
  return { command: inputs.defaultPython, args: [...SERVER_ARGS], source: "default" };
}

/** The message shown when the server cannot start: says what was tried and how to fix it. */
export function startFailure(cmd: ServerCommand, error: string): string {
  const shown = [cmd.command, ...cmd.args].join(" ");
  return (
    `funcls could not start its language server with \`${shown}\` (${cmd.source}): ${error}. ` +
    "Install funcls into that interpreter (pip install funcls) or set funcls.interpreter / " +
    "funcls.serverCommand."
  );
}
