// Run results: one webview panel per function with the last result (status, headers, body,
// outputs, logs, the error with a link to the user's line), Run again and Edit input, and the
// session's earlier runs; a status bar item shows the last run and the warm app's state.
//
// Every funcls.runFunction goes through `showRun`: the language client's executeCommand
// middleware hands over the results of runs started from a code lens, the Functions view runs
// through the same command. The server is told (initializationOptions.runResults = "client")
// that it need not show results itself.

import { randomBytes } from "crypto";
import * as path from "path";

import * as vscode from "vscode";

import type { AppState } from "./functionsModel";
import { renderResult, renderRunning, statusLine, type Ran, type RunResult } from "./resultsRender";
import { openInBrowser } from "./server";
import { runnerStatus, runningAppItems } from "./statusModel";

const HISTORY = 50;

export function isRunResult(value: unknown): value is RunResult {
  return typeof value === "object" && value !== null && typeof (value as RunResult).ok === "boolean";
}

export class ResultPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  readonly history: Ran[] = [];
  readonly status: vscode.StatusBarItem;
  private readonly states = new Map<string, AppState>();
  /** Runs on their way (root NUL name -> when they started), shown until their result. */
  private readonly runs = new Map<string, Date>();

  constructor() {
    this.status = vscode.window.createStatusBarItem("funcls.runner", vscode.StatusBarAlignment.Left, 50);
    this.status.name = "funcls runner";
    this.status.command = "workbench.view.extension.funcls";
    this.updateStatus();
  }

  appState(state: AppState): void {
    this.states.set(state.root, state);
    this.updateStatus();
  }

  private updateStatus(): void {
    const last = this.history[0];
    const { text, click } = runnerStatus([...this.states.values()]);
    this.status.command = click === "pick" ? "funcls.runningApps" : "workbench.view.extension.funcls";
    const tips = [...this.states.values()].map(
      (s) => `${path.basename(s.root)}: ${s.state}${s.url ? ` on ${s.url}` : ""}${s.error ? ` (${s.error})` : ""}`,
    );
    if (last !== undefined) {
      tips.push(`last run: ${last.name} ${statusLine(last.result)}`);
    }
    const running = [...this.runs.keys()].map((k) => k.split("\0")[1]);
    this.status.text = running.length > 0 ? `$(loading~spin) funcls: running ${running.join(", ")}` : text;
    this.status.tooltip = tips.length > 0 ? tips.join("\n") : "funcls: no app running";
    this.status.show();
  }

  /** The status bar's click with several apps running: pick one, open its URL. */
  async pickRunningApp(): Promise<void> {
    const items = runningAppItems([...this.states.values()]);
    const picked = await vscode.window.showQuickPick(items, { placeHolder: "Running apps: pick one to open its URL" });
    if (picked?.url) {
      await vscode.env.openExternal(vscode.Uri.parse(picked.url));
    }
  }

  /** A run has been sent: its panel says so at once, counting the seconds, until its result
   * (showRun) or its end without one (ended). */
  running(root: string, name: string): void {
    const since = new Date();
    this.runs.set(`${root}\0${name}`, since);
    const panel = this.panelFor(root, name);
    panel.title = `… ${name} · ${path.basename(root)}`;
    panel.webview.html = renderRunning(name, since, this.history, randomBytes(16).toString("base64"), panel.webview.cspSource);
    this.updateStatus();
  }

  /** The run of `name` ended: with no result to show (the request failed), the panel says
   * why instead of running on. */
  ended(root: string, name: string, error?: unknown): void {
    if (this.runs.delete(`${root}\0${name}`) && error !== undefined) {
      const message = `the language server did not answer the run: ${error instanceof Error ? error.message : String(error)}`;
      this.showRun(root, name, { ok: false, function: name, summary: message, error: { type: "RunFailed", message } });
    }
    this.updateStatus();
  }

  /** Show a result in its function's panel (created or revealed). */
  showRun(root: string, name: string, result: RunResult, store?: string): void {
    const ran: Ran = { root, name, at: new Date(), result, ...(store !== undefined ? { store } : {}) };
    this.history.unshift(ran);
    this.history.splice(HISTORY);
    this.runs.delete(`${root}\0${name}`);
    const panel = this.panelFor(root, name);
    // Two apps may have functions of the same name: the tab says which app.
    panel.title = `${result.ok ? "✓" : "✗"} ${name} · ${path.basename(root)}`;
    panel.webview.html = renderResult(
      ran,
      this.history,
      randomBytes(16).toString("base64"),
      panel.webview.cspSource,
    );
    this.updateStatus();
  }

  /** The function's panel, created or revealed (beside the editor, keeping the focus). */
  private panelFor(root: string, name: string): vscode.WebviewPanel {
    const key = `${root}\0${name}`;
    let panel = this.panels.get(key);
    if (panel === undefined) {
      panel = vscode.window.createWebviewPanel(
        "funcls.result",
        `Run: ${name}`,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, enableFindWidget: true, retainContextWhenHidden: false },
      );
      const created = panel;
      this.panels.set(key, created);
      created.onDidDispose(() => this.panels.delete(key));
      created.webview.onDidReceiveMessage((msg: { action?: string; file?: string; line?: number; url?: string }) =>
        this.onMessage(root, name, msg),
      );
    } else {
      panel.reveal(undefined, true);
    }
    return panel;
  }

  private async onMessage(root: string, name: string, msg: { action?: string; file?: string; line?: number; url?: string }): Promise<void> {
    if (msg.action === "openUrl" && typeof msg.url === "string" && /^https?:\/\//.test(msg.url)) {
      await openInBrowser(msg.url);
    } else if (msg.action === "runAgain") {
      await vscode.commands.executeCommand("funcls.runFunction", root, name);
    } else if (msg.action === "editInput") {
      await vscode.commands.executeCommand("funcls.runWithInput", root, name);
    } else if (msg.action === "open" && typeof msg.file === "string") {
      const line = Math.max(0, (msg.line ?? 1) - 1); // tracebacks count lines from 1
      const at = new vscode.Position(line, 0);
      await vscode.window.showTextDocument(vscode.Uri.file(msg.file), {
        selection: new vscode.Range(at, at),
        viewColumn: vscode.ViewColumn.One,
      });
    }
  }

  /** The last result shown for a function (tests and the view read it). */
  last(root: string, name: string): RunResult | undefined {
    return this.history.find((r) => r.root === root && r.name === name)?.result;
  }

  dispose(): void {
    for (const panel of this.panels.values()) {
      panel.dispose();
    }
    this.status.dispose();
  }
}
