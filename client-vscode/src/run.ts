// The "Start the app" command's pure parts: which app, and the command line that runs it.
// No `vscode` import: unit-tested in Node.

import * as path from "path";

import type { ServerCommand } from "./python";

export interface RunCommand {
  command: string;
  args: string[];
  /** The server's extra environment (PYTHONPATH of the bundled funcls), so `-m funcls` works. */
  env: Record<string, string>;
}

/** Options that only make sense for the language server; dropped when running the app. */
const SERVER_ONLY = new Set(["--stdio", "--tcp"]);
const SERVER_ONLY_WITH_VALUE = new Set(["--host", "--port", "--log-file"]);

/**
 * `funcls run APP` with the same program the language server starts from: the server's command
 * minus its transport options, so a configured interpreter or virtual environment runs the app.
 */
export function runCommand(server: ServerCommand, appRoot: string, extra: readonly string[]): RunCommand {
  const args: string[] = [];
  for (let i = 0; i < server.args.length; i++) {
    const arg = server.args[i] as string;
    if (SERVER_ONLY.has(arg)) {
      continue;
    }
    if (SERVER_ONLY_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if ([...SERVER_ONLY_WITH_VALUE].some((o) => arg.startsWith(`${o}=`))) {
      continue;
    }
    args.push(arg);
  }
  return { command: server.command, args: [...args, "run", appRoot, ...extra], env: { ...server.env } };
}

function contains(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/**
 * The app to start: the innermost app folder holding the active file, else the only app, else
 * undefined (the caller asks the user). `roots` are folders with a host.json.
 */
export function chooseApp(roots: readonly string[], activeFile: string | undefined): string | undefined {
  if (activeFile !== undefined) {
    const holding = roots.filter((r) => contains(r, activeFile)).sort((a, b) => b.length - a.length);
    if (holding[0] !== undefined) {
      return holding[0];
    }
  }
  return roots.length === 1 ? roots[0] : undefined;
}

/** The "Which app?" rows: the folder's name, what it is (model, functions), its path; an app
 * the server has not described (not indexed yet) shows its path only. */
export function appPickItems(
  roots: readonly string[],
  known: readonly { root: string; model: string; functions: readonly unknown[] }[],
): { label: string; description: string; detail: string; root: string }[] {
  return roots.map((root) => {
    const app = known.find((a) => a.root === root);
    const count = app === undefined ? 0 : app.functions.length;
    return {
      label: path.basename(root) || root,
      description: app === undefined ? "" : `${app.model} app, ${count} function${count === 1 ? "" : "s"}`,
      detail: root,
      root,
    };
  });
}

/** Does `args` already choose the HTTP port (`--port N`, `--port=N`)? */
export function hasPortArg(args: readonly string[]): boolean {
  return args.some((a) => a === "--port" || a.startsWith("--port="));
}

/** `funcls run APP --debug PORT …` (debugpy listens in the single app process, no reload).
 * FUNCLS_DEBUG_CLIENT: the banner says VS Code attaches, not "attach your editor's debugger". */
export function debugRunCommand(
  server: ServerCommand,
  appRoot: string,
  debugPort: number,
  extra: readonly string[],
): RunCommand {
  const cmd = runCommand(server, appRoot, ["--debug", String(debugPort), ...extra]);
  return { ...cmd, env: { ...cmd.env, FUNCLS_DEBUG_CLIENT: "VS Code's debugger (F5)" } };
}

/** The last `n` non-empty lines of `output`, joined with " / " (for a one-line message). */
export function lastLines(output: string, n: number): string {
  const lines = output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
  return lines.slice(-n).join(" / ") || "no output";
}

/** The documents to save before the app at `root` runs (it runs the saved files): the
 * unsaved files inside its folder. */
export function unsavedInApp(
  root: string,
  documents: readonly { path: string; scheme: string; dirty: boolean }[],
  sep = "/",
): string[] {
  const inside = root.endsWith(sep) ? root : root + sep;
  return documents.filter((d) => d.scheme === "file" && d.dirty && d.path.startsWith(inside)).map((d) => d.path);
}
