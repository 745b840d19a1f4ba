// Before the app runs (Run, Start the app, F5): does the interpreter have what running it
// needs? When not, one notification names the interpreter and what it lacks and offers the
// fixes: install into it, create a .venv from requirements.txt, select another interpreter.

import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";

import * as vscode from "vscode";

import {
  checkProgram,
  createVenvCommands,
  DEBUG_MODULES,
  installCommand,
  missingMessage,
  readMissing,
  RUNTIME_MODULES,
  shellLine,
} from "./appEnvModel";
import type { ServerCommand } from "./python";

const ready = new Set<string>(); // interpreters (and what was checked) found complete

function check(python: string[], env: Record<string, string>, modules: readonly [string, string][]): Promise<string[] | undefined> {
  const [command, ...args] = python as [string, ...string[]];
  return new Promise((resolve) => {
    execFile(command, [...args, "-c", checkProgram(modules)], { env: { ...process.env, ...env }, timeout: 30_000 }, (_err, stdout) =>
      resolve(readMissing(stdout, modules)),
    );
  });
}

/** True when the app can run; otherwise tells the user (once per call) and returns false. */
export async function ensureAppEnvironment(server: ServerCommand, appRoot: string, debug = false): Promise<boolean> {
  if (server.python === undefined) {
    return true; // a serverCommand of the user's own: their environment, their call
  }
  const modules = debug ? [...RUNTIME_MODULES, ...DEBUG_MODULES] : RUNTIME_MODULES;
  const key = `${server.python.join("\0")}|${modules.length}`;
  if (ready.has(key)) {
    return true;
  }
  // The bundled PYTHONPATH is left out: what counts is what the interpreter itself has.
  const missing = await check(server.python, {}, modules);
  if (missing === undefined || missing.length === 0) {
    if (missing !== undefined) {
      ready.add(key);
    }
    return true; // a check that could not run says nothing; the run itself will say more
  }
  const python = server.python.join(" ");
  const requirementsFile = path.join(appRoot, "requirements.txt");
  const requirements = fs.existsSync(requirementsFile) ? requirementsFile : undefined;
  const install = "Install into This Interpreter";
  const venv = "Create .venv from requirements.txt";
  const select = "Select Interpreter";
  const actions = requirements !== undefined ? [install, venv, select] : [install, select];
  const terminal = (name: string, lines: string[][]) => {
    const t = vscode.window.createTerminal({ name, cwd: appRoot });
    t.sendText(lines.map(shellLine).join(" && "));
    t.show();
  };
  const handle = async (choice: string | undefined) => {
    if (choice === install) {
      terminal("funcls: install", [installCommand(server.python?.[0] as string, missing, requirements)]);
    } else if (choice === venv) {
      const extra = RUNTIME_MODULES.map(([, dist]) => dist).concat(debug ? ["debugpy"] : []);
      const win = process.platform === "win32";
      const made = createVenvCommands(server.python?.[0] as string, appRoot, requirements, extra, path.sep, win);
      terminal("funcls: create .venv", made.commands);
      // The new environment becomes the workspace's interpreter (the server restarts with it).
      const config = vscode.workspace.getConfiguration("funcls");
      await config.update("interpreter", [made.venvPython], vscode.ConfigurationTarget.Workspace);
    } else if (choice === select) {
      const hasPython = vscode.extensions.getExtension("ms-python.python") !== undefined;
      await vscode.commands.executeCommand(
        hasPython ? "python.setInterpreter" : "workbench.action.openSettings",
        ...(hasPython ? [] : ["funcls.interpreter"]),
      );
    }
  };
  // Not awaited: the run that asked stops here; the fix is the user's next step.
  void vscode.window
    .showErrorMessage(missingMessage(python, missing, requirements !== undefined), ...actions)
    .then(handle);
  return false;
}
