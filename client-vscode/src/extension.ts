// The VS Code side of funcls: starts the language server and restarts it when needed.
// Features (diagnostics, completion, hover, code lenses, the Run command) come from the server;
// the extension adds one command of its own, Start the app, which runs `funcls run` in a terminal.

import * as path from "path";

import * as vscode from "vscode";
import { LanguageClient, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

import { resolveServerCommand, startFailure, type ServerCommand } from "./python";
import { chooseApp, runCommand } from "./run";
import { configurationAnswers, readSettings, serverOptions, type FunclsSettings } from "./settings";

const SECTION = "funcls";
let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

interface PythonEnvironmentApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
}

async function pythonExtensionApi(): Promise<PythonEnvironmentApi | undefined> {
  const ext = vscode.extensions.getExtension<PythonEnvironmentApi>("ms-python.python");
  if (ext === undefined) {
    return undefined;
  }
  return ext.isActive ? ext.exports : await ext.activate();
}

function currentSettings(warn = true): FunclsSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const { settings, problems } = readSettings((key) => config.get(key));
  for (const p of warn ? problems : []) {
    void vscode.window.showWarningMessage(p.message);
  }
  return settings;
}

async function serverCommand(settings: FunclsSettings): Promise<ServerCommand> {
  return resolveServerCommand({
    serverCommand: settings.serverCommand,
    interpreter: settings.interpreter,
    pythonExtension: async () => {
      const api = await pythonExtensionApi();
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      return api?.environments?.getActiveEnvironmentPath(folder)?.path;
    },
    defaultPython: process.platform === "win32" ? "python" : "python3",
  });
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const settings = currentSettings();
  const cmd = await serverCommand(settings);
  output?.appendLine(`starting: ${[cmd.command, ...cmd.args].join(" ")} (${cmd.source})`);
  // No `transport`: with TransportKind.stdio the client appends another `--stdio` to args.
  const server: ServerOptions = {
    command: cmd.command,
    args: cmd.args,
    options: { env: { ...process.env, PYTHONUNBUFFERED: "1" } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "file", pattern: "**/function.json" },
      { scheme: "file", pattern: "**/host.json" },
      { scheme: "file", pattern: "**/local.settings.json" },
      { scheme: "file", pattern: "**/requirements.txt" },
    ],
    initializationOptions: serverOptions(settings),
    synchronize: { configurationSection: SECTION },
    middleware: {
      workspace: {
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) {
            return answers;
          }
          const sections = params.items.map((item) => item.section);
          return configurationAnswers(sections, answers, () => serverOptions(currentSettings(false)));
        },
      },
    },
    ...(output !== undefined ? { outputChannel: output } : {}),
  };
  client = new LanguageClient(SECTION, "funcls", server, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const message = startFailure(cmd, err instanceof Error ? err.message : String(err));
    output?.appendLine(message);
    void vscode.window.showErrorMessage(message);
    client = undefined;
    return;
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

const runTerminals = new Map<string, vscode.Terminal>();

/** Folders of the workspace with a host.json (what the Functions host treats as an app). */
async function appRoots(): Promise<string[]> {
  const found = await vscode.workspace.findFiles("**/host.json", "**/{node_modules,.venv,.funcls,.git}/**");
  const roots = new Set(found.map((uri) => path.dirname(uri.fsPath)));
  return [...roots].sort();
}

/** funcls: Start the app — `funcls run` for the current app in a terminal of its own. */
async function startApp(): Promise<void> {
  const roots = await appRoots();
  if (roots.length === 0) {
    void vscode.window.showWarningMessage(
      "funcls found no Azure Functions app here: no folder of the workspace has a host.json.",
    );
    return;
  }
  let root = chooseApp(roots, vscode.window.activeTextEditor?.document.uri.fsPath);
  if (root === undefined) {
    root = await vscode.window.showQuickPick(roots, { placeHolder: "Which app should funcls run?" });
    if (root === undefined) {
      return;
    }
  }
  const running = runTerminals.get(root);
  if (running !== undefined && running.exitStatus === undefined) {
    running.show();
    return;
  }
  const settings = currentSettings();
  const cmd = runCommand(await serverCommand(settings), root, settings.runArgs);
  output?.appendLine(`starting the app: ${[cmd.command, ...cmd.args].join(" ")}`);
  const terminal = vscode.window.createTerminal({
    name: `funcls run: ${path.basename(root)}`,
    shellPath: cmd.command,
    shellArgs: cmd.args,
    cwd: root,
    env: { PYTHONUNBUFFERED: "1" },
  });
  runTerminals.set(root, terminal);
  terminal.show();
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  const old = client;
  client = undefined;
  if (old !== undefined) {
    await old.stop().catch(() => undefined);
  }
  await start(context);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("funcls");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("funcls.restartServer", () => restart(context)),
    vscode.commands.registerCommand("funcls.showLogs", () => output?.show(true)),
    vscode.commands.registerCommand("funcls.startApp", () => startApp()),
    vscode.window.onDidCloseTerminal((closed) => {
      for (const [root, terminal] of runTerminals) {
        if (terminal === closed) {
          runTerminals.delete(root);
        }
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("funcls.interpreter") || e.affectsConfiguration("funcls.serverCommand")) {
        void restart(context);
      }
    }),
  );
  const api = await pythonExtensionApi().catch(() => undefined);
  const changed = api?.environments?.onDidChangeActiveEnvironmentPath;
  if (changed !== undefined) {
    context.subscriptions.push(changed(() => void restart(context)));
  }
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
