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
import { resultContent, resultPage, runningContent, statusLine, type Ran, type RunResult } from "./resultsRender";
import { openInBrowser } from "./server";
import { runnerStatus, runningAppItems } from "./statusModel";

const HISTORY = 50;

type PanelMessage = { action?: string; file?: string; line?: number; url?: string; seq?: number };

/** What a function's panel shows: its content block, numbered (resultPage's `seq`). */
interface Shown {
  seq: number;
  content: string;
}

export function isRunResult(value: unknown): value is RunResult {
  return typeof value === "object" && value !== null && typeof (value as RunResult).ok === "boolean";
}

export class ResultPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private readonly shown = new Map<string, Shown>();
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
    this.show(root, name, `… ${name} · ${path.basename(root)}`, runningContent(name, since, this.history));
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
    // Two apps may have functions of the same name: the tab says which app.
    this.show(root, name, `${result.ok ? "✓" : "✗"} ${name} · ${path.basename(root)}`, resultContent(ran, this.history));
    this.updateStatus();
  }

  /** Put `content` in the function's panel (created or revealed). A panel on screen gets it
   * by a message and its page replaces its content block: setting webview.html reloads the
   * page, and a warm ▶ Run set it twice ("Running…", then the result), which took most of the
   * ~450 ms from the click to the result in code-server (bench/bench_vscode_wait.py) while
   * the server answered in 7–72 ms. A new panel, or one not on screen (retainContextWhenHidden
   * is false: it has no page to post to), gets the whole page instead. */
  private show(root: string, name: string, title: string, content: string): void {
    const key = `${root}\0${name}`;
    const existing = this.panels.get(key);
    const panel = existing ?? this.panelFor(root, name);
    panel.title = title;
    const shown = { seq: (this.shown.get(key)?.seq ?? 0) + 1, content };
    this.shown.set(key, shown);
    if (existing === undefined || !existing.visible) {
      // Before the reveal: the page it loads when shown is this one.
      this.setPage(panel, name, shown);
    } else {
      void panel.webview.postMessage({ type: "show", seq: shown.seq, html: content }).then((sent) => {
        // Not delivered (the panel went off screen meanwhile): the page it loads must be the latest.
        if (!sent && this.panels.get(key) === panel) {
          this.setPage(panel, name, this.shown.get(key) ?? shown);
        }
      });
    }
    if (existing !== undefined) {
      existing.reveal(undefined, true);
    }
  }

  private setPage(panel: vscode.WebviewPanel, name: string, shown: Shown): void {
    panel.webview.html = resultPage(name, randomBytes(16).toString("base64"), panel.webview.cspSource, shown.content, shown.seq);
  }

  /** The function's new panel (beside the editor, keeping the focus). */
  private panelFor(root: string, name: string): vscode.WebviewPanel {
    const key = `${root}\0${name}`;
    const panel = vscode.window.createWebviewPanel(
      "funcls.result",
      `Run: ${name}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, enableFindWidget: true, retainContextWhenHidden: false },
    );
    this.panels.set(key, panel);
    panel.onDidDispose(() => {
      this.panels.delete(key);
      this.shown.delete(key);
    });
    // Off screen, the panel's page is gone; shown again, it is loaded from webview.html: the
    // latest content goes in it now (posted content would be lost otherwise).
    panel.onDidChangeViewState(() => {
      const shown = this.shown.get(key);
      if (!panel.visible && shown !== undefined) {
        this.setPage(panel, name, shown);
      }
    });
    panel.webview.onDidReceiveMessage((msg: PanelMessage) => this.onMessage(root, name, panel, msg));
    return panel;
  }

  private async onMessage(root: string, name: string, panel: vscode.WebviewPanel, msg: PanelMessage): Promise<void> {
    if (msg.action === "ready") {
      // A page loaded from older HTML than the latest content (see onDidChangeViewState).
      const shown = this.shown.get(`${root}\0${name}`);
      if (shown !== undefined && typeof msg.seq === "number" && msg.seq < shown.seq) {
        await panel.webview.postMessage({ type: "show", seq: shown.seq, html: shown.content });
      }
    } else if (msg.action === "openUrl" && typeof msg.url === "string" && /^https?:\/\//.test(msg.url)) {
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
