// The VS Code side of funcls: starts the language server (server.ts) and restarts it when
// needed. Diagnostics, completion, hover, code lenses and the run commands come from the server;
// the extension adds the Functions view (functionsView.ts), run result panels (results.ts) and
// Start the app, which runs `funcls run` in a terminal.

import * as path from "path";

import * as vscode from "vscode";

import { appServerCommand, ensureAppEnvironment, missingSdks, offerMissingModule, offerRequirementsInstall, watchStorage } from "./appEnv";
import { missingModule, RunsUnderWay, StateOffers } from "./appEnvModel";
import { functionStore, storageUses } from "./storageModel";
import { F5_CONTEXT, hasLaunchConfigurations } from "./debugModel";
import { registerDebugging } from "./debug";
import { FunctionsTree, goToCode, localValues, type Node } from "./functionsView";
import { isRunResult, ResultPanels } from "./results";
import { newApp, newFunction } from "./scaffold";
import { configuredPort, freePort, portIsFree, startAppProcess, type AppProcess } from "./appProcess";
import { appPickItems, chooseApp, hasPortArg, runCommand, unsavedInApp } from "./run";
import { currentSettings, externalUrl, pythonExtensionApi, ServerManager } from "./server";

let output: vscode.OutputChannel | undefined;
let servers: ServerManager | undefined;

const runTerminals = new Map<string, AppProcess>();

/** Folders of the workspace with a host.json (what the Functions host treats as an app). */
async function appRoots(): Promise<string[]> {
  const found = await vscode.workspace.findFiles("**/host.json", "**/{node_modules,.venv,.funcls,.git}/**");
  const roots = new Set(found.map((uri) => path.dirname(uri.fsPath)));
  return [...roots].sort();
}

/** funcls: Start the app — `funcls run` for the current app in a terminal of its own. */
async function startApp(chosen?: string): Promise<void> {
  const roots = chosen !== undefined ? [chosen] : await appRoots();
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
  if (running !== undefined && running.child.exitCode === null && running.child.signalCode === null) {
    running.terminal.show();
    return;
  }
  running?.terminal.dispose();
  await saveApp(root);
  const settings = currentSettings();
  const extra = [...settings.runArgs];
  const preface: string[] = [];
  if (!hasPortArg(extra)) {
    // The host's port is taken (another app, another runner): say so and use a free one.
    const wanted = configuredPort(root);
    if (!(await portIsFree(wanted))) {
      const port = await freePort();
      extra.push("--port", String(port));
      preface.push(`funcls: port ${wanted} is in use on 127.0.0.1; starting the app on ${port} instead.`);
      void vscode.window.setStatusBarMessage(`funcls: port ${wanted} is busy; the app runs on ${port}`, 10000);
    }
  }
  const server = await appServerCommand(await (servers as ServerManager).serverCommand(settings), root);
  if (!(await ensureAppEnvironment(server, root, false, { label: "Start the App", run: () => startApp(root) }))) {
    return;
  }
  // One `funcls run` per app (funcls/runner/statefile.py, claim_run refuses a second): the
  // server's warm app of this folder steps aside, as for F5 (debug.ts); the Run lens then finds
  // this run through its .funcls/run.json and runs functions there.
  try {
    await vscode.commands.executeCommand("funcls.app.stop", root);
  } catch {
    // no language server (yet): nothing to stop
  }
  const cmd = runCommand(server, root, extra);
  output?.appendLine(`starting the app: ${[cmd.command, ...cmd.args].join(" ")}`);
  const started = startAppProcess(cmd, root, `funcls run: ${path.basename(root)}`, { preface, waitFor: SERVING });
  runTerminals.set(root, started);
  // The server learns of this run from its .funcls/run.json when asked: ask once it serves and
  // again when it ends, so that the view and the status bar show it (the warm app stopped above).
  const told = () => void Promise.resolve(vscode.commands.executeCommand("funcls.app.status", root)).catch(() => undefined);
  started.ready.then(told, () => undefined);
  started.child.once("exit", told);
  started.terminal.show();
}

// What `funcls run` prints once it serves (funcls/runner: "funcls: ready in 0.29s").
const SERVING = /funcls: ready in /;

/** The app runs the saved files: its unsaved ones are saved first (funcls.saveBeforeRun).
 * QA: ▶ Run on a function just added by New function… said "no function 'hello'". */
async function saveApp(root: string): Promise<void> {
  if (vscode.workspace.getConfiguration("funcls").get<boolean>("saveBeforeRun") === false) {
    return;
  }
  const documents = vscode.workspace.textDocuments;
  const paths = new Set(
    unsavedInApp(
      root,
      documents.map((d) => ({ path: d.uri.fsPath, scheme: d.uri.scheme, dirty: d.isDirty })),
      path.sep,
    ),
  );
  await Promise.all(documents.filter((d) => d.uri.scheme === "file" && paths.has(d.uri.fsPath)).map((d) => d.save()));
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("funcls");
  const manager = new ServerManager(context, output);
  servers = manager;
  const restart = debounce(() => void manager.restart(), 300);
  const tree = new FunctionsTree();
  const results = new ResultPanels();
  manager.onStarted((client) => tree.attach(client));
  // The env check knows which stores the app's queue/blob functions reach (the view's entries
  // and local.settings.json); the view names the store again once it knows the SDKs' state.
  watchStorage(async (root) => {
    const known = () => tree.allApps().find((a) => a.root === root);
    if (known() === undefined) {
      await tree.refresh(); // the view's first answer may not have come yet
    }
    return storageUses(known()?.functions ?? [], localValues(root));
  }, () => tree.redraw());
  // An app that runs but could not import a module (started from the view with an
  // interpreter that lacks it): offer the install once per module, as a Run's result does.
  // A Run that started the app gets both the state and its result: one offer.
  const stateOffers = new StateOffers();
  const runsUnderWay = new RunsUnderWay();
  const started = new WeakSet<unknown[]>(); // the ▶ Runs beforeCommand counted (runsUnderWay)
  const offered = new Map<string, number>();
  const offerModule = (root: string, module: string, again: { label: string; run: () => Thenable<unknown> }) => {
    const key = `${root}\0${module}`;
    if (Date.now() - (offered.get(key) ?? 0) > 10_000) {
      offered.set(key, Date.now());
      const command = manager.command;
      void (command === undefined ? Promise.resolve(undefined) : appServerCommand(command, root)).then((server) =>
        offerMissingModule(server, root, module, again),
      );
    }
  };
  const restartOffer = (root: string) => ({ label: "Restart the App", run: () => vscode.commands.executeCommand("funcls.app.restart", root) });
  tree.onDidChangeAppState((state) => {
    results.appState(state);
    const module = missingModule({ ok: false, message: (state.loadErrors ?? []).join("\n") });
    // During a ▶ Run its result makes the offer, with "Restart and Run Again" (StateOffers).
    const offer = stateOffers.state(state.root, module, runsUnderWay.has(state.root));
    if (offer !== undefined) {
      offerModule(state.root, offer, restartOffer(state.root));
    }
  });
  // F5 without a launch.json offers the apps (debugModel.F5_WHEN): the keybinding's context.
  const launchConfigs = () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const lists = [undefined, ...folders.map((f) => f.uri)].map((uri) =>
      vscode.workspace.getConfiguration("launch", uri).get<unknown>("configurations"),
    );
    void vscode.commands.executeCommand("setContext", F5_CONTEXT.launchConfigs, hasLaunchConfigurations(lists));
  };
  launchConfigs();
  context.subscriptions.push(
    vscode.commands.registerCommand("funcls.runningApps", () => results.pickRunningApp()),
    tree.onDidChangeTreeData(() => void vscode.commands.executeCommand("setContext", F5_CONTEXT.hasApps, tree.allApps().length > 0)),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration("launch") && launchConfigs()),
  );
  const runs = new Set(["funcls.runFunction", "funcls.app.start", "funcls.app.restart", "funcls.openInBrowser"]);
  manager.beforeCommand = async (command, args) => {
    const [root] = args;
    if (!runs.has(command) || typeof root !== "string" || manager.command === undefined) {
      return true;
    }
    await saveApp(root);
    // Once an install made the interpreter complete, "Run again" sends the same command.
    const again = { label: command === "funcls.runFunction" ? "Run Again" : "Try Again", run: () => vscode.commands.executeCommand(command, ...args) };
    const ready = await ensureAppEnvironment(await appServerCommand(manager.command, root), root, false, again);
    const [, name] = args;
    if (ready && command === "funcls.runFunction" && typeof name === "string") {
      results.running(root, name); // its panel says so until the result comes
      runsUnderWay.start(root); // ended in afterCommand, which follows every command begun
      started.add(args);
    }
    return ready;
  };
  manager.afterCommand = (command, args, result, error) => {
    const [root, name] = args;
    if (command === "funcls.runFunction" && typeof root === "string" && started.delete(args)) {
      runsUnderWay.end(root);
      const offer = stateOffers.runEnded(root, isRunResult(result) ? missingModule(result) : undefined, runsUnderWay.has(root));
      if (offer !== undefined) {
        offerModule(root, offer, restartOffer(root));
      }
    }
    if (command === "funcls.runFunction" && typeof root === "string" && typeof name === "string" && !isRunResult(result)) {
      results.ended(root, name, error ?? `it answered ${JSON.stringify(result)}`);
    }
    if (command === "funcls.runFunction" && typeof root === "string" && typeof name === "string" && isRunResult(result)) {
      // The store its queues and blobs are in, as the Functions view says it (storageModel).
      const fn = tree.allApps().find((a) => a.root === root)?.functions.find((f) => f.name === name);
      const store = functionStore(fn?.storage, localValues(root), missingSdks(root));
      results.showRun(root, name, result, store?.long);
      // A module the interpreter lacks (a package just added to requirements.txt): offer to
      // install the requirements, then run again in a restarted app (the running one imported
      // the app before the install and keeps failing).
      const module = missingModule(result);
      if (module !== undefined) {
        const again = {
          label: "Restart and Run Again",
          run: async () => {
            await vscode.commands.executeCommand("funcls.app.restart", root);
            await vscode.commands.executeCommand(command, ...args);
          },
        };
        offerModule(root, module, again);
      }
    }
  };
  context.subscriptions.push(
    output,
    manager,
    tree,
    results,
    vscode.window.createTreeView("funcls.functions", { treeDataProvider: tree, showCollapseAll: true }),
    ...viewCommands(tree, stateOffers),
    ...registerDebugging({
      serverCommand: () => manager.serverCommand(currentSettings(false)),
      runArgs: () => currentSettings(false).runArgs,
      pickApp: async () => pickApp(tree),
      output,
    }),
    vscode.commands.registerCommand("funcls.restartServer", () => manager.restart()),
    vscode.commands.registerCommand("funcls.showLogs", () => output?.show(true)),
    vscode.commands.registerCommand("funcls.startApp", () => startApp()),
    vscode.window.onDidCloseTerminal((closed) => {
      for (const [root, running] of runTerminals) {
        if (running.terminal === closed) {
          runTerminals.delete(root);
        }
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      const launch = ["funcls.interpreter", "funcls.serverCommand", "funcls.importStrategy"];
      if (launch.some((key) => e.affectsConfiguration(key))) {
        restart();
      }
    }),
  );
  const api = await pythonExtensionApi().catch(() => undefined);
  const changed = api?.environments?.onDidChangeActiveEnvironmentPath;
  if (changed !== undefined) {
    context.subscriptions.push(changed(() => restart()));
  }
  await manager.start();
}

/** The Functions view's commands: each calls the server's command for the node. */
function viewCommands(tree: FunctionsTree, stateOffers: StateOffers): vscode.Disposable[] {
  const fn = (id: string, server: string) =>
    vscode.commands.registerCommand(id, async (node?: Node) => {
      if (node?.kind === "function") {
        await vscode.commands.executeCommand(server, node.app.root, node.fn.name);
      }
    });
  const app = (id: string, server: string) =>
    vscode.commands.registerCommand(id, async (node?: Node) => {
      const root = node?.app.root ?? (await pickApp(tree));
      if (root !== undefined) {
        await vscode.commands.executeCommand(server, root);
      }
    });
  return [
    vscode.commands.registerCommand("funcls.view.refresh", () => tree.refresh()),
    vscode.commands.registerCommand("funcls.view.newFunction", (node?: Node) =>
      newFunction(
        {
          pickApp: async () => {
            const root = await pickApp(tree);
            const app = tree.allApps().find((a) => a.root === root);
            // An app the view does not know yet (just made): its files decide (functionModel).
            return root === undefined ? undefined : { root, model: app?.model ?? "none" };
          },
          functionNames: (root) => tree.allApps().find((a) => a.root === root)?.functions.map((f) => f.name) ?? [],
          // The interpreter the app runs in (its .venv when it has one), as Run checks it.
          offerInstall: (root, added) => {
            const manager = servers;
            if (manager !== undefined) {
              void manager
                .serverCommand(currentSettings())
                .then((command) => appServerCommand(command, root))
                .then((server) => offerRequirementsInstall(server, root, added, (modules) => stateOffers.claim(root, modules)))
                .catch(() => vscode.window.showInformationMessage(`funcls: ${added.note}`)); // the server left it to us
            }
          },
        },
        node ? { root: node.app.root, model: node.app.model } : undefined,
      ),
    ),
    vscode.commands.registerCommand("funcls.view.newApp", () =>
      newApp(async () => [...new Set([...tree.allApps().map((a) => a.root), ...(await appRoots())])]),
    ),
    fn("funcls.view.run", "funcls.runFunction"),
    fn("funcls.view.runWithInput", "funcls.runWithInput"),
    fn("funcls.view.openInBrowser", "funcls.openInBrowser"),
    vscode.commands.registerCommand("funcls.view.goToCode", (node?: Node) => (node ? goToCode(node) : undefined)),
    vscode.commands.registerCommand("funcls.view.copyUrl", async (node?: Node) => {
      const url = node ? tree.urlOf(node) : undefined;
      if (url !== undefined) {
        // The address the user's browser reaches: over Remote or in code-server the runner's
        // localhost is the remote machine's (vscode.env.asExternalUri is meant for URLs handed
        // to the clipboard as well as to a browser).
        const copied = await externalUrl(url);
        await vscode.env.clipboard.writeText(copied);
        const where = copied === url ? "" : ` (the runner listens on ${url})`;
        void vscode.window.setStatusBarMessage(`Copied ${copied}${where}`, 5000);
      }
    }),
    app("funcls.view.startApp", "funcls.app.start"),
    vscode.commands.registerCommand("funcls.view.stopApp", async (node?: Node) => {
      const root = node?.app.root ?? (await pickApp(tree));
      if (root === undefined) {
        return;
      }
      // An app started in a terminal from this window is ours to stop: the language server
      // only adopts it (and refuses to stop a run it did not start).
      const running = runTerminals.get(root);
      if (running !== undefined && running.child.exitCode === null && running.child.signalCode === null) {
        running.terminal.dispose();
        runTerminals.delete(root);
        return;
      }
      await vscode.commands.executeCommand("funcls.app.stop", root);
    }),
    app("funcls.view.restartApp", "funcls.app.restart"),
  ];
}

/** The app of the active file, else the only one, else the one the user picks. The apps are
 * those of the Functions view and every folder with a host.json (the view may be empty:
 * not opened yet, or the server still starting). */
async function pickApp(tree: FunctionsTree): Promise<string | undefined> {
  const roots = [...new Set([...tree.allApps().map((a) => a.root), ...(await appRoots())])].sort();
  if (roots.length === 0) {
    void vscode.window.showWarningMessage(
      "funcls found no Azure Functions app here: no folder of the workspace has a host.json.",
    );
    return undefined;
  }
  const chosen = chooseApp(roots, vscode.window.activeTextEditor?.document.uri.fsPath);
  if (chosen !== undefined) {
    return chosen;
  }
  const picked = await vscode.window.showQuickPick(appPickItems(roots, tree.allApps()), { placeHolder: "Which app?" });
  return picked?.root;
}

/** Calls `fn` once, `ms` after the last of a burst of calls (settings edits come in bursts). */
function debounce(fn: () => void, ms: number): () => void {
  let timer: NodeJS.Timeout | undefined;
  return () => {
    if (timer !== undefined) {
      clearTimeout(timer);
    }
    timer = setTimeout(fn, ms);
  };
}

export async function deactivate(): Promise<void> {
  await servers?.stop();
}
