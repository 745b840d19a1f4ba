// The status bar item of the warm apps: which app runs where. No `vscode` import: unit-tested
// in Node. QA in code-server: with several apps running it showed one app's URL without its
// name; now one running app is named with its URL, several are counted and a click lists them.

import * as path from "path";

import type { AppState } from "./functionsModel";

export interface StatusView {
  text: string;
  /** "pick": a click lists the running apps; "view": it shows the Functions view. */
  click: "pick" | "view";
}

function appName(root: string): string {
  return path.basename(root) || root;
}

export function runnerStatus(states: readonly AppState[]): StatusView {
  const running = states.filter((s) => s.state === "running");
  const starting = states.filter((s) => s.state === "starting");
  const failed = states.filter((s) => s.state === "failed");
  const active = running.length + starting.length;
  if (active > 1) {
    const what = starting.length > 0 ? `${running.length} running, ${starting.length} starting` : `${running.length} apps running`;
    return { text: `$(vm-running) funcls: ${what}`, click: "pick" };
  }
  const [one] = starting;
  if (one !== undefined) {
    return { text: `$(loading~spin) funcls: starting ${appName(one.root)}`, click: "view" };
  }
  const [run] = running;
  if (run !== undefined) {
    const broken = (run.loadErrors ?? []).length > 0;
    const icon = broken ? "$(warning)" : "$(vm-running)";
    return { text: `${icon} funcls: ${appName(run.root)}${run.url ? ` on ${run.url}` : ""}${broken ? " (failed to load)" : ""}`, click: "view" };
  }
  if (failed.length === 1 && failed[0] !== undefined) {
    return { text: `$(error) funcls: ${appName(failed[0].root)} failed`, click: "view" };
  }
  if (failed.length > 1) {
    return { text: `$(error) funcls: ${failed.length} apps failed`, click: "view" };
  }
  return { text: "$(zap) funcls", click: "view" };
}

/** The quick pick of the running (and starting) apps: name, URL and folder. */
export function runningAppItems(states: readonly AppState[]): { label: string; description: string; detail: string; root: string; url: string | null }[] {
  return states
    .filter((s) => s.state === "running" || s.state === "starting")
    .sort((a, b) => a.root.localeCompare(b.root))
    .map((s) => ({
      label: appName(s.root),
      description: s.state === "starting" ? "starting…" : (s.url ?? "running"),
      detail: s.root,
      root: s.root,
      url: s.url,
    }));
}
