// Before the app runs (Run, Start the app, F5): does the interpreter have what running it
// needs? When not, one notification names the interpreter and what it lacks and offers the
// fixes: install into it, create a .venv from requirements.txt, select another interpreter.

import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

import * as vscode from "vscode";

import {
  checkProgram,
  createVenvCommands,
  DEBUG_MODULES,
  installCommand,
  ADD_AND_INSTALL,
  INSTALL_REQUIREMENTS,
  installOutcome,
  type InterpreterKind,
  interpreterName,
  missingActions,
  missingMessage,
  missingModuleMessage,
  onlyDebugger,
  orderedActions,
  readExecutable,
  readKind,
  readMissing,
  requirementsAddedMessage,
  type RequirementsAdded,
  RUNTIME_MODULES,
  unlistedImport,
  type UnlistedImport,
  shellLine,
  venvOutcome,
  venvPackages,
} from "./appEnvModel";
import { APP_VENV_SOURCE, appCommand, FUNCLS_HOME_PROGRAM, type ServerCommand, withFunclsHome } from "./python";
import {
  azuriteEndpoints,
  needingSdks,
  readLocalValues,
  settingValue,
  STORAGE_MODULES,
  storageFallbackMessage,
  type StorageUse,
} from "./storageModel";

const ready = new Set<string>(); // interpreters (and what was checked) found complete

// The app's queue/blob connections and their stores (set by the extension from the Functions
// view and local.settings.json), and what the last check found missing of the Azure SDKs, by
// app root (the view names the embedded store for those functions then).
// The lookup waits for the view's functions when it has none of the app yet (CI: a Run lens
// clicked before the view's first answer left the Azure SDKs out of a new .venv).
let storageOf: (appRoot: string) => Promise<StorageUse[]> = () => Promise.resolve([]);
let storageChecked: () => void = () => undefined;
const sdksMissing = new Map<string, string[]>();
const warnedStorage = new Set<string>();
const STORAGE_DISTS = new Set(STORAGE_MODULES.map(([, dist]) => dist));

export function watchStorage(uses: (appRoot: string) => Promise<StorageUse[]>, checked: () => void): void {
  storageOf = uses;
  storageChecked = checked;
}

/** The Azure SDKs the app's interpreter lacked at its last check (undefined: not checked). */
export function missingSdks(appRoot: string): string[] | undefined {
  return sdksMissing.get(appRoot);
}

/** What the interpreter lacks of `modules`, and the file it is (see readExecutable). */
function check(
  python: string[],
  env: Record<string, string>,
  modules: readonly [string, string][],
): Promise<{ missing: string[] | undefined; executable: string | undefined; kind: InterpreterKind | undefined }> {
  const [command, ...args] = python as [string, ...string[]];
  return new Promise((resolve) => {
    execFile(command, [...args, "-c", checkProgram(modules)], { env: { ...process.env, ...env }, timeout: 30_000 }, (_err, stdout) =>
      resolve({ missing: readMissing(stdout, modules), executable: readExecutable(stdout), kind: readKind(stdout) }),
    );
  });
}

/** What to repeat once an install made the interpreter complete: the action's label and the
 * call (Run the function again, start the app, F5 again). */
export interface Again {
  label: string;
  run(): unknown;
}

let pipOutput: vscode.OutputChannel | undefined;

/** pip in the app's folder, its output in the "funcls: pip" channel; resolves with its exit code. */
function runPip(argv: string[], appRoot: string, channel: vscode.OutputChannel): Promise<{ code: number | null; output: string }> {
  const [command, ...args] = argv as [string, ...string[]];
  channel.appendLine(`$ ${shellLine(argv)}`);
  return new Promise((resolve) => {
    let output = "";
    const child = spawn(command, args, { cwd: appRoot, env: process.env });
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      channel.append(text);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", (err) => {
      take(Buffer.from(`ERROR: ${err.message}\n`));
      resolve({ code: -1, output });
    });
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** Installs `missing` (and the requirements) with pip, then says how it went: "Run again"
 * (`again`) once the interpreter has everything, pip's error and its output when not. */
async function installAndOffer(
  python: string[],
  appRoot: string,
  missing: string[],
  modules: readonly [string, string][],
  requirements: string | undefined,
  again: Again | undefined,
): Promise<void> {
  pipOutput ??= vscode.window.createOutputChannel("funcls: pip");
  const channel = pipOutput;
  const argv = installCommand(python[0] as string, missing, requirements);
  const installed = requirements !== undefined ? [...missing, `the requirements of ${path.basename(appRoot)}`] : missing;
  const { code, output } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `funcls: installing ${installed.join(", ")}…` },
    () => runPip(argv, appRoot, channel),
  );
  const stillMissing = code === 0 ? (await check(python, {}, modules)).missing : undefined;
  if (stillMissing !== undefined && sdksMissing.has(appRoot)) {
    sdksMissing.set(appRoot, stillMissing.filter((dist) => STORAGE_DISTS.has(dist)));
    storageChecked();
  }
  const outcome = installOutcome(python.join(" "), installed, code, output, stillMissing, again?.label);
  const show = outcome.ok ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
  const choice = await show(outcome.message, ...outcome.actions);
  if (choice === "Show pip Output") {
    channel.show();
  } else if (choice !== undefined && choice === again?.label) {
    await again.run();
  }
}

const funclsHomes = new Map<string, Promise<string | undefined>>(); // by the server's interpreter

/** Where the interpreter `python` imports funcls from (FUNCLS_HOME_PROGRAM), asked once each. */
function funclsHome(python: string[]): Promise<string | undefined> {
  const key = python.join("\0");
  let found = funclsHomes.get(key);
  if (found === undefined) {
    const [command, ...args] = python as [string, ...string[]];
    found = new Promise((resolve) => {
      execFile(command, [...args, "-c", FUNCLS_HOME_PROGRAM], { env: process.env, timeout: 30_000 }, (err, stdout) => {
        const home = err === null ? stdout.trim().split(/\r?\n/).pop()?.trim() : undefined;
        if (home === undefined || home === "") {
          funclsHomes.delete(key); // asked again next time (funcls may be installed meanwhile)
        }
        resolve(home === "" ? undefined : home);
      });
    });
    funclsHomes.set(key, found);
  }
  return found;
}

/** The command that runs the app at `appRoot`: the server's, in the app's own virtual
 * environment when it has one (python.ts appCommand; the server's warm app follows the same
 * rule), with the server interpreter's funcls on PYTHONPATH when the server runs
 * fromEnvironment (withFunclsHome: that venv need not have funcls). */
export async function appServerCommand(server: ServerCommand, appRoot: string): Promise<ServerCommand> {
  const cmd = appCommand(server, appRoot, (file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  });
  if (cmd.source !== APP_VENV_SOURCE || cmd.env.PYTHONPATH !== undefined || server.python === undefined) {
    return cmd;
  }
  return withFunclsHome(cmd, await funclsHome(server.python), process.env.PYTHONPATH, path.delimiter);
}

/** Creates the app's .venv (python -m venv, then pip; output in the "funcls: pip" channel),
 * offering `again`. The app runs in it from then on, found in its folder (appServerCommand):
 * no setting changes, so the other apps of the workspace keep their interpreters. */
async function createVenvAndOffer(
  made: { venvPython: string; commands: string[][] },
  appRoot: string,
  again: Again | undefined,
): Promise<void> {
  pipOutput ??= vscode.window.createOutputChannel("funcls: pip");
  const channel = pipOutput;
  const steps = ["venv", "install"] as const;
  const venvDir = path.dirname(path.dirname(made.venvPython));
  const existed = fs.existsSync(venvDir);
  const failed = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `funcls: creating ${venvDir} with the app's requirements…` },
    async () => {
      for (const [i, argv] of made.commands.entries()) {
        const { code, output } = await runPip(argv, appRoot, channel);
        if (code !== 0) {
          return { step: steps[i] ?? "install", code, output };
        }
      }
      return undefined;
    },
  );
  if (failed !== undefined && !existed) {
    // A half-made .venv (pip failed, or venv after making bin/python) would be the app's
    // interpreter from now on: removed, the app keeps the one it had.
    fs.rmSync(venvDir, { recursive: true, force: true });
  }
  const outcome = venvOutcome(made.venvPython, failed?.step, failed?.code ?? 0, failed?.output ?? "", again?.label);
  const show = outcome.ok ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
  const choice = await show(outcome.message, ...outcome.actions);
  if (choice === "Show pip Output") {
    channel.show();
  } else if (choice !== undefined && choice === again?.label) {
    await again.run();
  }
}

/** A run failed because the app's interpreter has no `module`: say so and offer to install
 * requirements.txt into it (then `again`), or another interpreter. */
export async function offerMissingModule(server: ServerCommand | undefined, appRoot: string, module: string, again?: Again): Promise<void> {
  if (server?.python === undefined) {
    return; // a serverCommand of the user's own: their environment
  }
  const requirementsFile = path.join(appRoot, "requirements.txt");
  const requirements = fs.existsSync(requirementsFile) ? requirementsFile : undefined;
  const unlisted = unlistedImport(appRoot, module, findings());
  const { message, actions } = missingModuleMessage(interpreterName(server.python, undefined), module, requirements !== undefined, unlisted);
  const choice = await vscode.window.showErrorMessage(message, ...actions);
  if (choice === INSTALL_REQUIREMENTS) {
    await installAndOffer(server.python, appRoot, [], [[module, module]], requirements, again);
  } else if (choice === "Select Interpreter") {
    await selectInterpreter();
  } else if (choice === "Go to the Import" && unlisted !== undefined) {
    const position = new vscode.Position(unlisted.line, 0);
    await vscode.window.showTextDocument(vscode.Uri.file(unlisted.file), { selection: new vscode.Range(position, position) });
  } else if (choice === ADD_AND_INSTALL && unlisted !== undefined) {
    if (await applyRequirementsFix(unlisted, requirementsFile)) {
      await installAndOffer(server.python, appRoot, [], [[module, module]], requirementsFile, again);
    } else {
      void vscode.window.showErrorMessage(`funcls: no quick fix added ${module} to requirements.txt; add its package there by hand, then install.`);
    }
  }
}

/** Every finding the server published, as unlistedImport reads them. */
function findings(): { file: string; line: number; code: string; message: string }[] {
  return vscode.languages.getDiagnostics().flatMap(([uri, diagnostics]) =>
    diagnostics.map((d) => ({
      file: uri.fsPath,
      line: d.range.start.line,
      code: String(typeof d.code === "object" ? d.code.value : (d.code ?? "")),
      message: d.message,
    })),
  );
}

/** Apply the server's quick fix of the AZF605 at `unlisted` (it adds the import's package to
 * requirements.txt) and save requirements.txt; false when no such fix came. */
async function applyRequirementsFix(unlisted: UnlistedImport, requirementsFile: string): Promise<boolean> {
  const uri = vscode.Uri.file(unlisted.file);
  const diagnostic = vscode.languages.getDiagnostics(uri).find((d) => d.range.start.line === unlisted.line && String(typeof d.code === "object" ? d.code.value : d.code) === unlisted.code);
  if (diagnostic === undefined) {
    return false;
  }
  const fixes =
    (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      "vscode.executeCodeActionProvider",
      uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    )) ?? [];
  // The fix that edits requirements.txt (the finding's only one; its diagnostics may be left out).
  const fix = fixes
    .filter((f): f is vscode.CodeAction => typeof (f as vscode.Command).command !== "string") // not a bare Command
    .find((f) => f.edit?.entries().some(([u]) => u.fsPath === requirementsFile) || f.title.includes("requirements.txt"));
  if (fix === undefined || (fix.edit === undefined && fix.command === undefined)) {
    return false;
  }
  if (fix.edit !== undefined && !(await vscode.workspace.applyEdit(fix.edit))) {
    return false;
  }
  if (fix.command !== undefined) {
    await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
  }
  await vscode.workspace.textDocuments.find((d) => d.uri.fsPath === requirementsFile)?.save();
  return true;
}

/** New function added packages to requirements.txt (`added`, the server's answer): when the
 * app's interpreter lacks them, offer the install the Run offers (pip -r requirements.txt into
 * it); a serverCommand of the user's own gets the server's note as it is. */
export async function offerRequirementsInstall(
  server: ServerCommand,
  appRoot: string,
  added: RequirementsAdded,
  claim: (modules: string[]) => string[] = (modules) => modules,
): Promise<void> {
  if (server.python === undefined) {
    void vscode.window.showInformationMessage(`funcls: ${added.note}`);
    return;
  }
  const { missing, executable } = await check(server.python, {}, added.modules);
  if (missing !== undefined && missing.length === 0) {
    return; // the interpreter has them already
  }
  const lacking = added.modules.filter(([, dist]) => missing === undefined || missing.includes(dist));
  // `claim`: what no other notification offers yet (StateOffers.claim; the app's reload fails
  // on the same module meanwhile).
  const fresh = claim(lacking.map(([module]) => module));
  if (fresh.length === 0) {
    return;
  }
  const wanted = lacking.filter(([module]) => fresh.includes(module)).map(([, dist]) => dist);
  const { message, action } = requirementsAddedMessage(interpreterName(server.python, executable), wanted);
  // Modal: the app does not load until the install (QA in code-server: as an information
  // notification the offer hid after a few seconds while the status bar said "failed to
  // load"). VS Code's notification guidelines (code.visualstudio.com/api/ux-guidelines/
  // notifications) ask for a modal dialog when the user's input is needed now and is one
  // step; a warning with an action hides after its timeout like an information one (only an
  // error with actions stays: NotificationViewItem.sticky in code-server 4.100.3).
  if ((await vscode.window.showWarningMessage(message, { modal: true }, action)) === action) {
    const requirements = fs.existsSync(added.requirements) ? added.requirements : undefined;
    await installAndOffer(server.python, appRoot, [], added.modules, requirements, undefined);
  }
}

async function selectInterpreter(): Promise<void> {
  const hasPython = vscode.extensions.getExtension("ms-python.python") !== undefined;
  await vscode.commands.executeCommand(
    hasPython ? "python.setInterpreter" : "workbench.action.openSettings",
    ...(hasPython ? [] : ["funcls.interpreter"]),
  );
}

/** Whether the Azure SDKs would change the store of any of `uses`: an Azure account, or an
 * Azurite whose queue and blob endpoints all accept a connection (as the runner probes them). */
async function sdksWouldMatter(appRoot: string, uses: readonly StorageUse[]): Promise<boolean> {
  let text: string | undefined;
  try {
    text = fs.readFileSync(path.join(appRoot, "local.settings.json"), "utf8");
  } catch {
    text = undefined;
  }
  const values = readLocalValues(text);
  for (const use of uses) {
    if (use.store.kind === "azure") {
      return true;
    }
    const endpoints = azuriteEndpoints(settingValue(use.setting, values));
    if (endpoints.length > 0 && (await Promise.all(endpoints.map((e) => accepts(e.host, e.port)))).every(Boolean)) {
      return true;
    }
  }
  return false;
}

/** Whether host:port accepts a TCP connection within `ms`. */
export function accepts(host: string, port: number, ms = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** True when the app can run; otherwise tells the user (once per call) and returns false.
 * `again` repeats what the user asked for once "Install into This Interpreter" succeeded. */
export async function ensureAppEnvironment(server: ServerCommand, appRoot: string, debug = false, again?: Again): Promise<boolean> {
  if (server.python === undefined) {
    return true; // a serverCommand of the user's own: their environment, their call
  }
  // Queue/blob functions whose connection leads to Azurite or Azure: the runner needs the
  // Azure SDKs for them, and falls back to its embedded store without them.
  const uses = needingSdks(await storageOf(appRoot));
  const modules = [...RUNTIME_MODULES, ...(debug ? DEBUG_MODULES : []), ...(uses.length > 0 ? STORAGE_MODULES : [])];
  const key = `${server.python.join("\0")}|${modules.length}`;
  if (ready.has(key)) {
    return true;
  }
  // The bundled PYTHONPATH is left out: what counts is what the interpreter itself has.
  const { missing, executable, kind } = await check(server.python, {}, modules);
  if (uses.length > 0 && missing !== undefined) {
    sdksMissing.set(appRoot, missing.filter((dist) => STORAGE_DISTS.has(dist)));
    storageChecked();
  }
  if (missing === undefined || missing.length === 0) {
    if (missing !== undefined) {
      ready.add(key);
    }
    return true; // a check that could not run says nothing; the run itself will say more
  }
  const python = interpreterName(server.python, executable);
  if (missing.every((dist) => STORAGE_DISTS.has(dist))) {
    // The app runs (on the embedded store): a warning, once per interpreter and app, whose
    // install is the SDKs alone and whose follow-up restarts the app onto the configured store;
    // none while that store is Azurite not running (the runner would use its embedded store
    // with the SDKs too; the result names the store and why), so a later run warns once it runs.
    const once = `${server.python.join("\0")}|${appRoot}`;
    if (!warnedStorage.has(once) && (await sdksWouldMatter(appRoot, uses))) {
      warnedStorage.add(once);
      const [install, select] = ["Install into This Interpreter", "Select Interpreter"];
      const restart = { label: "Restart the App", run: () => vscode.commands.executeCommand("funcls.app.restart", appRoot) };
      void vscode.window.showWarningMessage(storageFallbackMessage(python, missing, uses), install, select).then(async (choice) => {
        if (choice === install) {
          await installAndOffer(server.python as string[], appRoot, missing, modules, undefined, restart);
        } else if (choice === select) {
          await selectInterpreter();
        }
      });
    }
    return true;
  }
  const requirementsFile = path.join(appRoot, "requirements.txt");
  const requirements = fs.existsSync(requirementsFile) ? requirementsFile : undefined;
  // An app already in its own .venv is offered the install into it, not another .venv.
  const ownVenv = server.source === APP_VENV_SOURCE;
  const offered = missingActions(missing, requirements !== undefined && !ownVenv);
  const { install, venv, select } = offered;
  const actions = orderedActions(offered, kind);
  const handle = async (choice: string | undefined) => {
    if (choice === install) {
      // Only the debugger missing: debugpy alone, the app's requirements are there.
      const withRequirements = onlyDebugger(missing) ? undefined : requirements;
      await installAndOffer(server.python as string[], appRoot, missing, modules, withRequirements, again);
    } else if (choice === venv) {
      // Asked again at the click: the view may have learnt the app's functions meanwhile.
      const now = uses.length > 0 ? uses : needingSdks(await storageOf(appRoot));
      const extra = venvPackages(now.length > 0 ? STORAGE_MODULES.map(([, dist]) => dist) : []);
      const win = process.platform === "win32";
      const made = createVenvCommands(server.python?.[0] as string, appRoot, requirements, extra, path.sep, win);
      await createVenvAndOffer(made, appRoot, again);
    } else if (choice === select) {
      await selectInterpreter();
    }
  };
  // Not awaited: the run that asked stops here; the fix is the user's next step.
  void vscode.window
    .showErrorMessage(missingMessage(python, missing, requirements !== undefined, { app: path.basename(appRoot), offersVenv: !ownVenv, ...(kind !== undefined ? { kind } : {}) }), ...actions)
    .then(handle);
  return false;
}
