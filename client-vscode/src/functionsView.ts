// The Functions view: every app of the workspace with its functions, from the server's
// `funcls/functions` request, refreshed on `funcls/functionsChanged` and `funcls/appState`.
// Actions go to the server's commands (funcls.runFunction, funcls.app.start, ...), which the
// language client registered as VS Code commands; the view's own command ids are funcls.view.*.

import * as fs from "fs";
import * as path from "path";

import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";

import {
  appContext,
  appDescription,
  appTooltip,
  functionContext,
  functionDescription,
  functionTooltip,
  functionUrl,
  iconFor,
  readAnswer,
  readAppState,
  type AppState,
  type AppView,
  type FunctionView,
} from "./functionsModel";
import { accepts, missingSdks } from "./appEnv";
import { azuriteEndpoints, functionStore, readLocalValues } from "./storageModel";

/** Context key: the language server has looked through the workspace once (the view's
 * welcome text says "looking for apps" until then, not "no app found"). */
export const SEARCHED_CONTEXT = "funcls.appsSearched";

// "newFunction": the one child of an app without functions (QA in code-server: a new app's
// node was empty), New function… in that app.
export type Node =
  | { kind: "app"; app: AppView }
  | { kind: "function"; app: AppView; fn: FunctionView }
  | { kind: "newFunction"; app: AppView };

export class FunctionsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private apps: AppView[] = [];
  readonly states = new Map<string, AppState>();
  private client: LanguageClient | undefined;
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly stateChanged = new vscode.EventEmitter<AppState>();
  readonly onDidChangeAppState = this.stateChanged.event;
  private subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private searched = false; // the server's first indexing is over (SEARCHED_CONTEXT)
  // Whether Azurite answers at a connection's endpoints (key: "host:port,..."), probed as
  // the runner probes them at a run's first use; unknown until the probe ends. `probing`:
  // the keys probed since the functions or an app's state last changed.
  private readonly azurite = new Map<string, boolean>();
  private readonly probing = new Set<string>();

  /** Follow a (re)started language client. */
  attach(client: LanguageClient): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
    this.client = client;
    this.subscriptions = [
      client.onNotification("funcls/functionsChanged", () => this.refreshSoon()),
      client.onNotification("funcls/appState", (raw: unknown) => this.setState(raw)),
    ];
    void this.refresh();
    void this.loadStates();
  }

  private setState(raw: unknown): void {
    const state = readAppState(raw);
    if (state === undefined) {
      return;
    }
    this.states.set(state.root, state);
    this.stateChanged.fire(state);
    this.probeAzuriteAgain();
    this.changed.fire(undefined);
  }

  private async loadStates(): Promise<void> {
    await this.refreshing;
    for (const app of this.apps) {
      try {
        this.setState(await vscode.commands.executeCommand("funcls.app.status", app.root));
      } catch {
        // A server without the warm app: the node says "stopped".
      }
    }
  }

  private refreshing: Promise<void> = Promise.resolve();

  refreshSoon(ms = 200): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => void this.refresh(), ms);
  }

  refresh(): Promise<void> {
    this.refreshing = (async () => {
      const client = this.client;
      if (client === undefined || !client.isRunning()) {
        return;
      }
      let answer;
      try {
        answer = readAnswer(await client.sendRequest("funcls/functions", null));
      } catch {
        return; // the server stopped meanwhile; its restart refreshes again
      }
      this.apps = answer.apps;
      this.probeAzuriteAgain();
      // The welcome text says "looking for apps" until the server's first indexing is over
      // (package.json viewsWelcome), then "no app found" when there is none.
      if (answer.indexing === true) {
        this.refreshSoon(1000);
      } else if (!this.searched) {
        this.searched = true;
        void vscode.commands.executeCommand("setContext", SEARCHED_CONTEXT, true);
      }
      this.changed.fire(undefined);
    })();
    return this.refreshing;
  }

  /** Draws the tree again from what it has (a store's state changed, not the functions). */
  redraw(): void {
    this.changed.fire(undefined);
  }

  /** Whether Azurite answers at the endpoints of a connection string: undefined until known
   * (a probe starts then, and the tree is drawn again when it ends with another answer). */
  private azuriteAnswers(value: string | undefined): boolean | undefined {
    const endpoints = azuriteEndpoints(value);
    if (endpoints.length === 0) {
      return undefined;
    }
    const key = endpoints.map((e) => `${e.host}:${e.port}`).join(",");
    if (!this.probing.has(key)) {
      this.probing.add(key);
      void Promise.all(endpoints.map((e) => accepts(e.host, e.port))).then((answers) => {
        const up = answers.every(Boolean);
        if (this.azurite.get(key) !== up) {
          this.azurite.set(key, up);
          this.changed.fire(undefined);
        }
      });
    }
    return this.azurite.get(key);
  }

  /** Probes again at the next drawing (Azurite may have started or stopped since), keeping
   * the last answer meanwhile. */
  private probeAzuriteAgain(): void {
    this.probing.clear();
  }

  allApps(): readonly AppView[] {
    return this.apps;
  }

  getChildren(node?: Node): Node[] {
    if (node === undefined) {
      return this.apps.map((app) => ({ kind: "app", app }));
    }
    if (node.kind === "app") {
      if (node.app.functions.length === 0) {
        return [{ kind: "newFunction", app: node.app }];
      }
      return node.app.functions.map((fn) => ({ kind: "function", app: node.app, fn }));
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === "app") {
      const state = this.states.get(node.app.root);
      const item = new vscode.TreeItem(node.app.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `app:${node.app.root}`;
      item.description = appDescription(node.app, state);
      item.tooltip = appTooltip(node.app, state);
      item.contextValue = appContext(state);
      const running = state?.state === "running";
      item.iconPath = new vscode.ThemeIcon(
        state?.state === "failed" ? "error" : running ? "vm-running" : "folder-library",
        running ? new vscode.ThemeColor("testing.iconPassed") : undefined,
      );
      return item;
    }
    if (node.kind === "newFunction") {
      const item = new vscode.TreeItem("New function…", vscode.TreeItemCollapsibleState.None);
      item.id = `new:${node.app.root}`;
      item.description = "the app has no functions yet";
      item.iconPath = new vscode.ThemeIcon("add");
      item.contextValue = "funclsNewFunction";
      item.command = { command: "funcls.view.newFunction", title: "New function…", arguments: [node] };
      return item;
    }
    const { fn } = node;
    const item = new vscode.TreeItem(fn.name, vscode.TreeItemCollapsibleState.None);
    item.id = `fn:${node.app.root}:${fn.name}`;
    const values = localValues(node.app.root);
    const store = functionStore(fn.storage, values, missingSdks(node.app.root), (value) => this.azuriteAnswers(value));
    item.description = functionDescription(fn, store, values);
    item.tooltip = functionTooltip(fn, store, values);
    item.contextValue = functionContext(fn);
    item.iconPath = new vscode.ThemeIcon(
      iconFor(fn),
      fn.errors > 0 ? new vscode.ThemeColor("list.errorForeground") : undefined,
    );
    item.command = { command: "funcls.view.goToCode", title: "Go to code", arguments: [node] };
    return item;
  }

  urlOf(node: Node): string | undefined {
    return node.kind === "function" ? functionUrl(node.fn, this.states.get(node.app.root)) : undefined;
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
    this.changed.dispose();
    this.stateChanged.dispose();
  }
}

/** The app's local.settings.json Values (none when it is missing or unreadable). */
export function localValues(appRoot: string): Record<string, string> {
  let text: string | undefined;
  try {
    text = fs.readFileSync(path.join(appRoot, "local.settings.json"), "utf8");
  } catch {
    text = undefined;
  }
  return readLocalValues(text);
}

/** Opens the function's def (or its function.json). */
export async function goToCode(node: Node): Promise<void> {
  if (node.kind !== "function" || node.fn.location === null) {
    return;
  }
  const { uri, line, character } = node.fn.location;
  const position = new vscode.Position(line, character);
  await vscode.window.showTextDocument(vscode.Uri.parse(uri), { selection: new vscode.Range(position, position) });
}
