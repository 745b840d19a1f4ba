// Which command starts the language server, and what to tell the user when it cannot start.
// No `vscode` import: unit-tested in Node.
//
// The server ships inside the extension (bundled/libs, pure-Python wheels plus funcls itself,
// the layout of microsoft/vscode-python-tools-extension-template): any Python >= 3.10 runs it
// with PYTHONPATH pointing there. The interpreter is the `funcls.interpreter` setting, else the
// one the Python extension selected, else `python3` on PATH. `funcls.serverCommand` replaces all
// of this with a command of the user's own. A virtual environment found in the workspace is
// never the server's: the server needs nothing installed in it, and starting its python runs
// the startup hooks (.pth files) of the packages installed there when the folder opens. Each
// app runs in its own `.venv`/`venv` (appCommand; the server's warm app: warm_app.app_python).

export interface ServerCommand {
  command: string;
  args: string[];
  /** Where the choice came from, for the log and the messages. */
  source: string;
  /** Variables to add to the environment (PYTHONPATH for the bundled libraries). */
  env: Record<string, string>;
  /** The Python to check before starting; undefined for a user's serverCommand. */
  python?: string[];
}

export type ImportStrategy = "useBundled" | "fromEnvironment";

export interface CommandInputs {
  serverCommand: string[];
  interpreter: string[];
  /** The interpreter the Python extension selected for the workspace, if any. */
  pythonExtension: () => Promise<string | undefined>;
  /** Fallback when nothing else is configured. */
  defaultPython: string;
  /** Folder holding the bundled libraries (funcls and its dependencies). */
  bundledLibs: string;
  importStrategy: ImportStrategy;
  /** PYTHONPATH of the extension host, kept after the bundled libraries. */
  inheritedPythonPath?: string | undefined;
  pathSeparator?: string;
}

export const MIN_PYTHON: readonly [number, number] = [3, 10];
const SERVER_ARGS = ["-m", "funcls", "--stdio"];

/** The interpreter (with its arguments) and where it came from. */
export async function resolveInterpreter(
  inputs: Pick<CommandInputs, "interpreter" | "pythonExtension" | "defaultPython">,
): Promise<{ python: string[]; source: string }> {
  if (inputs.interpreter.length > 0) {
    return { python: [...inputs.interpreter], source: "setting funcls.interpreter" };
  }
  let selected: string | undefined;
  try {
    selected = await inputs.pythonExtension();
  } catch {
    selected = undefined;
  }
  if (selected !== undefined && selected.trim() !== "") {
    return { python: [selected], source: "the Python extension's interpreter" };
  }
  return { python: [inputs.defaultPython], source: "python on PATH" };
}

/** Where a virtual environment keeps its interpreter, on this platform. */
export function venvPython(venv: string, platform: string = process.platform): string {
  return platform === "win32" ? `${venv}\\Scripts\\python.exe` : `${venv}/bin/python`;
}

/** Where appCommand's interpreter came from (the log, the messages, the .venv offer). */
export const APP_VENV_SOURCE = "the app's own virtual environment";

/**
 * The folders of an app that may hold its own virtual environment, in the order they are
 * tried; the first whose interpreter is an executable file is the app's. The same list, in the
 * same order, is funcls/model/appvenv.py VENV_NAMES (the checks, the Run lens, the warm app;
 * tests/unit/test_appvenv.py compares the two). `.venv` is the name the VS Code Azure Functions
 * extension creates and defaults to (azureFunctions.pythonVenv, microsoft/vscode-azurefunctions
 * src/utils/venvUtils.ts); `venv` and `env` are the other names `python -m venv` is given,
 * which that extension also detects (any folder of the project holding bin/activate,
 * getExistingVenvs) and which the .gitignore of `func init` lists under "Python Environments"
 * (Azure/azure-functions-core-tools src/Azure.Functions.Cli/StaticResources/gitignore).
 */
export const APP_VENV_NAMES: readonly string[] = [".venv", "venv", "env"];

/**
 * The command that runs the app at `appRoot` (the environment check, Start the app, F5): the
 * server's, with the app's own virtual environment (APP_VENV_NAMES in the app folder; Create
 * .venv makes `.venv`) for its interpreter when there is one. One interpreter per app: two
 * apps of a workspace need not share their requirements, and funcls.interpreter (or whatever
 * runs the server) is the fallback. The language server starts its warm app (the Run lens) by
 * the same rule: funcls/lsp/warm_app.py, app_python. A serverCommand of the user's own is left
 * alone. `isExecutable` reads the file system (injected for tests).
 */
export function appCommand(
  server: ServerCommand,
  appRoot: string,
  isExecutable: (file: string) => boolean,
  platform: string = process.platform,
): ServerCommand {
  if (server.python === undefined) {
    return server;
  }
  const sep = platform === "win32" ? "\\" : "/";
  const root = appRoot.endsWith(sep) ? appRoot.slice(0, -1) : appRoot;
  const own = APP_VENV_NAMES.map((name) => venvPython(`${root}${sep}${name}`, platform)).find(isExecutable);
  if (own === undefined) {
    return server;
  }
  // The server's interpreter arguments go with it; the rest (-m funcls …) stays.
  const args = server.args.slice(server.python.length - 1);
  return { command: own, args, source: APP_VENV_SOURCE, env: { ...server.env }, python: [own] };
}

/**
 * A Python program printing the folder `import funcls` loads funcls from in this interpreter
 * (its site-packages, or the checkout of an editable install), or an empty line. It looks the
 * package up without importing it.
 */
export const FUNCLS_HOME_PROGRAM = [
  "import importlib.util, os",
  "spec = importlib.util.find_spec('funcls')",
  "places = list(spec.submodule_search_locations or []) if spec is not None else []",
  "print(os.path.dirname(os.path.abspath(places[0])) if places else '')",
].join("\n");

/**
 * The app's command (appCommand) when its own virtual environment need not have funcls: with
 * funcls.importStrategy fromEnvironment the server's interpreter has funcls installed and the
 * server's command adds nothing to PYTHONPATH, so `.venv/bin/python -m funcls run` found no
 * funcls (Start the app, F5). `home` (FUNCLS_HOME_PROGRAM's answer in the server's interpreter)
 * goes last on PYTHONPATH, after the app's own packages — the rule the server's warm app follows
 * (funcls/lsp/warm_app.py, with_funcls). A command already given a PYTHONPATH (the bundled
 * libraries) is left as it is.
 */
export function withFunclsHome(
  cmd: ServerCommand,
  home: string | undefined,
  inherited: string | undefined,
  sep = ":",
): ServerCommand {
  if (cmd.source !== APP_VENV_SOURCE || cmd.env.PYTHONPATH !== undefined || home === undefined || home === "") {
    return cmd;
  }
  const parts = (inherited ?? "").split(sep).filter((p) => p !== "");
  const pythonPath = (parts.includes(home) ? parts : [...parts, home]).join(sep);
  return { ...cmd, env: { ...cmd.env, PYTHONPATH: pythonPath } };
}

/** PYTHONPATH with the bundled libraries first. */
export function bundledPythonPath(libs: string, inherited: string | undefined, sep = ":"): string {
  return inherited !== undefined && inherited !== "" ? `${libs}${sep}${inherited}` : libs;
}

export async function resolveServerCommand(inputs: CommandInputs): Promise<ServerCommand> {
  const [first, ...rest] = inputs.serverCommand;
  if (first !== undefined) {
    return { command: first, args: rest, source: "setting funcls.serverCommand", env: {} };
  }
  const { python, source } = await resolveInterpreter(inputs);
  const [command, ...pythonArgs] = python as [string, ...string[]];
  const bundled = inputs.importStrategy === "useBundled";
  const env = bundled
    ? { PYTHONPATH: bundledPythonPath(inputs.bundledLibs, inputs.inheritedPythonPath, inputs.pathSeparator) }
    : {};
  return {
    command,
    args: [...pythonArgs, ...SERVER_ARGS],
    source: bundled ? `${source}, bundled funcls` : source,
    env,
    python,
  };
}

/**
 * A Python program that says whether this interpreter can run the server: one line
 * `funcls-probe MAJOR MINOR`, then `ok` or `missing <names>`. It looks the server's top-level
 * packages up (with the PYTHONPATH the server gets) without importing them — importing the
 * server here would double the start-up time (bench/bench_vsix.py) — and runs nothing from the
 * workspace.
 */
export const SERVER_PACKAGES: readonly string[] = ["funcls", "pygls", "lsprotocol", "cattrs", "attrs", "jedi"];
export const PROBE = [
  "import importlib.util, sys",
  "print('funcls-probe', sys.version_info[0], sys.version_info[1])",
  `if sys.version_info < (${MIN_PYTHON[0]}, ${MIN_PYTHON[1]}): raise SystemExit(0)`,
  `missing = [m for m in ${JSON.stringify(SERVER_PACKAGES)} if importlib.util.find_spec(m) is None]`,
  "print('missing ' + ', '.join(missing) if missing else 'ok')",
].join("\n");

export type ProbeVerdict =
  | { ok: true; version: string }
  | { ok: false; reason: "no-python" | "too-old" | "no-funcls" | "broken"; detail: string };

/** Reads the probe's output (or the error spawning it) into a verdict. */
export function readProbe(stdout: string, spawnError?: string): ProbeVerdict {
  if (spawnError !== undefined) {
    return { ok: false, reason: "no-python", detail: spawnError };
  }
  const lines = stdout.split(/\r?\n/).map((l) => l.trim());
  const head = lines.find((l) => l.startsWith("funcls-probe "));
  if (head === undefined) {
    return { ok: false, reason: "broken", detail: stdout.trim().slice(0, 300) || "no output" };
  }
  const [, major, minor] = head.split(" ");
  const version = `${major}.${minor}`;
  if (Number(major) * 100 + Number(minor) < MIN_PYTHON[0] * 100 + MIN_PYTHON[1]) {
    return { ok: false, reason: "too-old", detail: version };
  }
  if (lines.includes("ok")) {
    return { ok: true, version };
  }
  const missing = lines.find((l) => l.startsWith("missing "));
  const names = missing?.slice("missing ".length);
  return { ok: false, reason: "no-funcls", detail: names !== undefined ? `no module ${names}` : "no answer" };
}

/** The one message shown when the probe says the server cannot start: what, where, the fix. */
export function probeFailure(cmd: ServerCommand, verdict: Exclude<ProbeVerdict, { ok: true }>): string {
  const python = (cmd.python ?? [cmd.command]).join(" ");
  const where = `${python} (${cmd.source})`;
  switch (verdict.reason) {
    case "no-python":
      return (
        `funcls needs Python ${MIN_PYTHON.join(".")} or newer and could not run ${where}: ${verdict.detail}. ` +
        "Select an interpreter (Python extension) or set funcls.interpreter."
      );
    case "too-old":
      return (
        `funcls needs Python ${MIN_PYTHON.join(".")} or newer; ${where} is Python ${verdict.detail}. ` +
        "Select a newer interpreter or set funcls.interpreter."
      );
    case "no-funcls":
      return (
        `funcls could not load its language server in ${where}: ${verdict.detail}. ` +
        (cmd.source.includes("bundled")
          ? "The extension's bundled libraries are damaged: reinstall the extension."
          : "Install funcls into that interpreter (pip install funcls) or set funcls.importStrategy to useBundled.")
      );
    case "broken":
      return `funcls could not check ${where}: it printed ${JSON.stringify(verdict.detail)}. Set funcls.interpreter to a working Python.`;
  }
}

/** The message shown when the server could not start or stopped: what was tried and the fix. */
export function startFailure(cmd: ServerCommand, error: string): string {
  const shown = [cmd.command, ...cmd.args].join(" ");
  return (
    `funcls could not start its language server with \`${shown}\` (${cmd.source}): ${error.replace(/\.+$/, "")}. ` +
    "See the log (funcls: Show the language server's log); set funcls.interpreter or " +
    "funcls.serverCommand, then run funcls: Restart the language server."
  );
}
