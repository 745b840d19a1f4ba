// Can the interpreter run the app? The pure parts: the check program, reading its answer, the
// message and the commands of the fixes. No `vscode` import: unit-tested in Node.
//
// The language server needs nothing from the interpreter (it is bundled); running the app does:
// the app's own requirements (azure-functions first) and the runner's HTTP server and file
// watcher (uvicorn with httptools, watchfiles; debugpy for F5). find_spec only looks modules
// up, it imports nothing.

export const RUNTIME_MODULES: readonly [string, string][] = [
  ["azure.functions", "azure-functions"],
  ["uvicorn", "uvicorn"],
  // funcls run's HTTP front is uvicorn's httptools protocol (funcls/runner/host/front.py);
  // without it `funcls run` stops at start with an ImportError.
  ["httptools", "httptools"],
  ["watchfiles", "watchfiles"],
];
export const DEBUG_MODULES: readonly [string, string][] = [["debugpy", "debugpy"]];

export function checkProgram(modules: readonly [string, string][]): string {
  const names = JSON.stringify(modules.map(([m]) => m));
  return [
    "import importlib.util, json, os, sys, sysconfig",
    "def found(m):",
    "    try:",
    "        return importlib.util.find_spec(m) is not None",
    "    except (ImportError, ValueError):",
    "        return False",
    // What kind of interpreter it is (readKind): a virtual environment, one the system's
    // package manager owns (PEP 668: pip refuses to install into it), or another.
    "managed = os.path.isfile(os.path.join(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED'))",
    "print('funcls-env', 'venv' if sys.prefix != sys.base_prefix else 'managed' if managed else 'system')",
    // The interpreter a bare `python3` turned out to be (readExecutable), then the answer.
    "print(sys.executable)",
    `print(json.dumps([m for m in ${names} if not found(m)]))`,
  ].join("\n");
}

/** The interpreter's own path, printed by the check program before its answer. */
export function readExecutable(stdout: string): string | undefined {
  const lines = stdout.trim().split(/\r?\n/);
  const line = lines.length >= 2 ? lines[lines.length - 2]?.trim() : undefined;
  return line && (line.startsWith("/") || /^[A-Za-z]:\\/.test(line)) ? line : undefined;
}

export type InterpreterKind = "venv" | "managed" | "system";

/** What kind of interpreter the check program ran in; undefined when it did not say. */
export function readKind(stdout: string): InterpreterKind | undefined {
  const line = stdout.split(/\r?\n/).find((l) => l.startsWith("funcls-env "));
  const kind = line?.slice("funcls-env ".length).trim();
  return kind === "venv" || kind === "managed" || kind === "system" ? kind : undefined;
}

/**
 * The buttons of the "cannot run the app" notification, the first one VS Code's primary.
 * An interpreter that is no virtual environment (python3 on PATH, the system's) gets Create
 * .venv first when it is offered: installing an app's requirements into it mixes them with
 * everything else there (QA in code-server: a new user's first click, the primary button,
 * installed into pyenv's global python3). One the system's package manager owns gets no
 * Install at all then: pip refuses it (PEP 668, "externally-managed-environment").
 */
export function orderedActions(
  actions: { install: string; venv?: string; select: string },
  kind: InterpreterKind | undefined,
): string[] {
  if (actions.venv === undefined) {
    return [actions.install, actions.select];
  }
  if (kind === "managed") {
    return [actions.venv, actions.select];
  }
  if (kind === "system") {
    return [actions.venv, actions.install, actions.select];
  }
  return [actions.install, actions.venv, actions.select];
}

/** The interpreter as the user should read it: the command, and the file it ran when that
 * differs (`python3` on PATH is not always the one they think: a venv, pyenv, the system's). */
export function interpreterName(command: readonly string[], executable: string | undefined): string {
  const shown = command.join(" ");
  return executable !== undefined && executable !== command[0] ? `${shown} (${executable})` : shown;
}

/** The distributions (pip names) missing, from the check program's output. */
export function readMissing(stdout: string, modules: readonly [string, string][]): string[] | undefined {
  const line = stdout.trim().split(/\r?\n/).pop() ?? "";
  try {
    const missing = JSON.parse(line) as unknown;
    if (!Array.isArray(missing)) {
      return undefined;
    }
    return modules.filter(([m]) => missing.includes(m)).map(([, dist]) => dist);
  } catch {
    return undefined;
  }
}

/** `app`: the app folder's name, said so that a workspace of several apps knows which one;
 * `offersVenv`: false when the app already runs in its own .venv. */
export function missingMessage(
  python: string,
  missing: readonly string[],
  hasRequirements: boolean,
  more: { app?: string; offersVenv?: boolean; kind?: InterpreterKind } = {},
): string {
  const theApp = more.app !== undefined ? `the app '${more.app}'` : "the app";
  if (onlyDebugger(missing)) {
    return `funcls cannot debug ${theApp} (F5): the debugger, debugpy, is not installed in ${python}. To debug, install debugpy into it or select another interpreter.`;
  }
  const list = missing.map((dist) => (DEBUG_DISTS.has(dist) ? `the debugger (${dist})` : dist)).join(", ");
  // In the order of the buttons (orderedActions).
  const venvFirst = hasRequirements && more.offersVenv !== false && more.kind !== undefined && more.kind !== "venv";
  const fix = !hasRequirements
    ? "install them into it or select another interpreter"
    : more.offersVenv === false
      ? "install the app's requirements.txt and those packages into it, or select another interpreter"
      : more.kind === "managed"
        ? "create a .venv from requirements.txt (pip does not install into this one: the system's package manager owns it, PEP 668) or select another interpreter"
        : venvFirst
          ? "create a .venv from requirements.txt, install the app's requirements.txt and those packages into it, or select another interpreter"
          : "install the app's requirements.txt and those packages into it, create a .venv from requirements.txt, or select another interpreter";
  return `funcls cannot run ${theApp} with ${python}: it lacks ${list}. To run it, ${fix}.`;
}

const DEBUG_DISTS = new Set(DEBUG_MODULES.map(([, dist]) => dist));

/** Only the debugger is missing: the app runs, F5 cannot attach. */
export function onlyDebugger(missing: readonly string[]): boolean {
  return missing.length > 0 && missing.every((dist) => DEBUG_DISTS.has(dist));
}

/** The notification's actions: the install (named after what it installs), a .venv when
 * the app has a requirements.txt and more than the debugger is missing, another interpreter. */
export function missingActions(missing: readonly string[], hasRequirements: boolean): { install: string; venv?: string; select: string } {
  const debuggerOnly = onlyDebugger(missing);
  return {
    install: debuggerOnly ? "Install debugpy into This Interpreter" : "Install into This Interpreter",
    ...(hasRequirements && !debuggerOnly ? { venv: "Create .venv from requirements.txt" } : {}),
    select: "Select Interpreter",
  };
}

/** The module a failed run could not import (ModuleNotFoundError, while the app loaded or in
 * the function), if that is why it failed. */
export function missingModule(result: {
  ok: boolean;
  summary?: string;
  message?: string;
  error?: { message: string } | null;
}): string | undefined {
  if (result.ok) {
    return undefined;
  }
  const text = [result.summary, result.message, result.error?.message].filter((t) => t !== undefined).join("\n");
  return /No module named '([\w.]+)'/.exec(text)?.[1];
}

/** The apps with a ▶ Run under way. While one runs, the app-state offer of a missing module
 * waits for the run's result, whose offer restarts the app and runs the function again: the
 * state came first, so its "Restart the App" offer won and the run's was dropped as a
 * duplicate (QA in code-server: after the install, Restart, then ▶ Run again by hand). */
export class RunsUnderWay {
  private readonly counts = new Map<string, number>();

  start(root: string): void {
    this.counts.set(root, (this.counts.get(root) ?? 0) + 1);
  }

  end(root: string): void {
    const left = (this.counts.get(root) ?? 0) - 1;
    if (left > 0) {
      this.counts.set(root, left);
    } else {
      this.counts.delete(root);
    }
  }

  has(root: string): boolean {
    return this.counts.has(root);
  }
}

/** Which module an app's state says its interpreter lacks is offered for install, and when:
 * once per module; never while a ▶ Run of the app is under way (its result offers it, with
 * "Restart and Run Again"); and, when that Run's result did not name it (the Run finished on
 * the code before the reload that failed), once the last Run of the app ends. */
export class StateOffers {
  private readonly told = new Map<string, string>();
  private readonly afterRun = new Map<string, string>();

  /** The app's state names `module` (undefined: none) while `running`: the module to offer now. */
  state(root: string, module: string | undefined, running: boolean): string | undefined {
    if (module !== undefined && running) {
      this.afterRun.set(root, module);
      return undefined;
    }
    this.afterRun.delete(root);
    const offer = module !== undefined && this.told.get(root) !== module ? module : undefined;
    this.told.set(root, module ?? "");
    return offer;
  }

  /** Another offer is about to name `modules` for the app (New function's install of what it
   * added to requirements.txt): those not offered yet, which count as offered from now on, so
   * that the app's failing reload on the new module does not offer them a second time, nor
   * this offer repeat a state's (QA in code-server: New function → Durable showed both "The
   * app cannot import azure.durable_functions…" and "requirements.txt:
   * azure-functions-durable added…", each with its install button). */
  claim(root: string, modules: readonly string[]): string[] {
    // A module a ▶ Run's end will offer (afterRun) is left to it.
    const said = [this.told.get(root), this.afterRun.get(root)];
    const fresh = modules.filter((m) => !said.includes(m));
    if (fresh.length > 0) {
      this.told.set(root, fresh[0]); // the app's state names one module: the first it fails on
    }
    return fresh;
  }

  /** A ▶ Run of the app ended, its result naming `resultModule`; `running`: others still are.
   * The module its state named meanwhile, to offer now (not the one the result offers). */
  runEnded(root: string, resultModule: string | undefined, running: boolean): string | undefined {
    const pending = this.afterRun.get(root);
    if (pending === undefined || running) {
      return undefined;
    }
    this.afterRun.delete(root);
    this.told.set(root, pending);
    return pending === resultModule ? undefined : pending;
  }
}

export const INSTALL_REQUIREMENTS = "Install requirements.txt into This Interpreter";
export const ADD_AND_INSTALL = "Add to requirements.txt and Install";

/** The server's finding that requirements.txt provides no package for an import (AZF605). */
export interface UnlistedImport {
  code: string;
  where: string; // "function_app.py:2", relative to the app
  file: string;
  line: number; // 0-based
}

/** Of the app's findings (`file` absolute, `line` 0-based), the AZF605 for `module` (or its
 * top-level package, which the finding names): where requirements.txt lacks it. */
export function unlistedImport(
  appRoot: string,
  module: string,
  findings: readonly { file: string; line: number; code: string; message: string }[],
): UnlistedImport | undefined {
  const names = new Set([module, module.split(".")[0]]);
  const inApp = (file: string) => file.startsWith(appRoot.endsWith("/") ? appRoot : `${appRoot}/`);
  const found = findings.find(
    (f) =>
      f.code === "AZF605" &&
      inApp(f.file) &&
      f.message.includes(" but nothing in requirements.txt provides it") && // not a folder below the root, nor pyproject.toml
      [...names].some((n) => f.message.startsWith(`'${n}' `)),
  );
  return found === undefined
    ? undefined
    : { code: found.code, where: `${found.file.slice(appRoot.replace(/\/$/, "").length + 1)}:${found.line + 1}`, file: found.file, line: found.line };
}

/** What New function's answer says the app's interpreter needs (the server's `install`, when
 * requirements.txt gained a package: a Durable starter's azure-functions-durable). */
export interface RequirementsAdded {
  requirements: string;
  modules: [string, string][]; // (import name, distribution)
  note: string; // the server's text for a client that does not offer the install
}

/** The `install` of a funcls.new.function answer; undefined when it has none or another shape. */
export function readInstall(answer: unknown): RequirementsAdded | undefined {
  const install = (answer as { install?: unknown } | null | undefined)?.install as Record<string, unknown> | undefined;
  if (typeof install !== "object" || install === null) {
    return undefined;
  }
  const { requirements, modules, note } = install;
  const pairs = Array.isArray(modules) ? modules : [];
  if (
    typeof requirements !== "string" ||
    typeof note !== "string" ||
    pairs.length === 0 ||
    !pairs.every((m) => Array.isArray(m) && m.length === 2 && m.every((x) => typeof x === "string"))
  ) {
    return undefined;
  }
  return { requirements, modules: pairs as [string, string][], note };
}

/** After New function added `missing` to requirements.txt and the app's interpreter lacks
 * them: the message and its action, the install the Run offers (QA in code-server: the
 * server's note said to run pip by hand in the .venv the extension had made). */
export function requirementsAddedMessage(python: string, missing: readonly string[]): { message: string; action: string } {
  return {
    message: `funcls: requirements.txt: ${missing.join(", ")} added; ${python} does not have ${missing.length === 1 ? "it" : "them"} yet: install the app's requirements into it, or the app will not start.`,
    action: `Install into ${python}`,
  };
}

/** A run that failed on a missing module: what to say and offer (QA: after New function… added
 * azure-functions-durable to requirements.txt, ▶ Run answered only "no function 'greet_start'
 * … ModuleNotFoundError … Current sys.path: […]"). The install is requirements.txt's. */
export function missingModuleMessage(
  python: string,
  module: string,
  hasRequirements: boolean,
  unlisted?: UnlistedImport,
): { message: string; actions: string[] } {
  const head = `The app cannot import ${module} with ${python}.`;
  if (unlisted !== undefined) {
    // QA in code-server: `import pandas` with no pandas in requirements.txt offered "Install
    // requirements.txt into This Interpreter", which installed nothing, then said "still lacks
    // pandas … another interpreter may be the app's".
    return {
      message: `${head} requirements.txt does not provide it (${unlisted.where}: ${unlisted.code}), so installing the requirements would not bring it, and the deployed app would fail the same way: add its package to requirements.txt, then install.`,
      actions: [ADD_AND_INSTALL, "Go to the Import"],
    };
  }
  return hasRequirements
    ? {
        message: `${head} If requirements.txt lists its package, install the requirements into this interpreter; or select another interpreter.`,
        actions: [INSTALL_REQUIREMENTS, "Select Interpreter"],
      }
    : {
        message: `${head} Install its package into this interpreter (and list it in requirements.txt), or select another interpreter.`,
        actions: ["Select Interpreter"],
      };
}

/** What the install did, said to the user: on success the action that repeats what they
 * asked for (`again`, e.g. "Run again"); on failure pip's last error line and its output. */
export function installOutcome(
  python: string,
  installed: readonly string[],
  exitCode: number | null,
  pipOutput: string,
  stillMissing: readonly string[] | undefined,
  again: string | undefined,
): { ok: boolean; message: string; actions: string[] } {
  const what = installed.join(", ");
  if (exitCode !== 0) {
    const errors = pipOutput.split(/\r?\n/).filter((line) => /^ERROR:/.test(line.trim()));
    const reason = errors.length > 0 ? `: ${errors[errors.length - 1]?.trim()}` : exitCode === null ? " (it was stopped)" : ` (exit code ${exitCode})`;
    return {
      ok: false,
      message: `funcls could not install ${what} into ${python}: pip failed${reason}. See pip's output for the details.`,
      actions: ["Show pip Output"],
    };
  }
  if (stillMissing !== undefined && stillMissing.length > 0) {
    return {
      ok: false,
      message: `pip finished, but ${python} still lacks ${stillMissing.join(", ")}. See pip's output; another interpreter may be the app's.`,
      actions: ["Show pip Output"],
    };
  }
  return {
    ok: true,
    message: `Installed ${what} into ${python}.` + (again !== undefined ? "" : " Run the app again."),
    actions: again !== undefined ? [again] : [],
  };
}

/** `python -m pip install [-r requirements.txt] DIST…` */
export function installCommand(python: string, missing: readonly string[], requirements: string | undefined): string[] {
  return [python, "-m", "pip", "install", ...(requirements !== undefined ? ["-r", requirements] : []), ...missing];
}

/** What a .venv made for the app gets besides its requirements: what running it needs, the
 * debugger (an F5 in the new environment then works; QA: the first F5 after Create .venv asked
 * to install debugpy), and the Azure SDKs when queue/blob functions use Azurite or Azure. */
export function venvPackages(storage: readonly string[]): string[] {
  return [...RUNTIME_MODULES, ...DEBUG_MODULES].map(([, dist]) => dist).concat(storage);
}

/** How creating the .venv went, said to the user. It becomes funcls.interpreter only once it
 * has everything (QA: the setting pointed at a .venv not yet made, and the server, restarted
 * with it, died with "could not run … ENOENT" while pip was still installing). */
export function venvOutcome(
  venvPython: string,
  failedStep: "venv" | "install" | undefined,
  exitCode: number | null,
  output: string,
  again: string | undefined,
): { ok: boolean; message: string; actions: string[] } {
  if (failedStep !== undefined) {
    const errors = output.split(/\r?\n/).filter((line) => /^(ERROR:|Error:)/.test(line.trim()));
    const reason =
      errors.length > 0 ? `: ${errors[errors.length - 1]?.trim()}` : exitCode === null ? " (it was stopped)" : ` (exit code ${exitCode})`;
    const what = failedStep === "venv" ? "python -m venv failed" : "pip failed";
    return {
      ok: false,
      message: `funcls could not create ${venvPython}: ${what}${reason}. The interpreter is unchanged; see the output for the details.`,
      actions: ["Show pip Output"],
    };
  }
  return {
    ok: true,
    message: `Created ${venvPython} with the app's requirements; funcls runs this app with it (a .venv in the app's folder comes before funcls.interpreter).`,
    actions: again !== undefined ? [again] : [],
  };
}

/** A .venv in the app folder, with the requirements and what the runner needs. */
export function createVenvCommands(
  basePython: string,
  appRoot: string,
  requirements: string | undefined,
  extra: readonly string[],
  sep = "/",
  windows = false,
): { venvPython: string; commands: string[][] } {
  const venv = `${appRoot}${sep}.venv`;
  const venvPython = windows ? `${venv}${sep}Scripts${sep}python.exe` : `${venv}${sep}bin${sep}python`;
  return {
    venvPython,
    commands: [[basePython, "-m", "venv", venv], installCommand(venvPython, extra, requirements)],
  };
}

/** A command line for a terminal (POSIX shell quoting). */
export function shellLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}
