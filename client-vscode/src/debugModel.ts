// The attach request F5 sends to debugpy (no vscode import: unit-tested under node).
//
// The app process is funcls's own code (funcls/runner/worker) calling the user's function.
// debugpy's justMyCode counts as library code only what lies in the interpreter's
// site-packages and standard library; funcls from the extension's bundle (PYTHONPATH) or an
// editable install is neither, so its frames showed below the user's in the Call Stack and
// "Step Out" of a function went into them. debugpy's `rules` (launch/attach option: a list of
// {path|module, include}; pydevd turns them into exclude filters, which both the stack trace
// and stepping obey — `_convert_rules_to_exclude_filters` in pydevd_process_net_command_json.py
// of microsoft/debugpy) hide them. With justMyCode false the user asked for everything, and
// gets it. tests/runner/test_run_debug.py sends these same rules to a real debugpy.

import hiddenRules from "./debugRules.json";

export interface DebugRule {
  path?: string;
  module?: string;
  include: boolean;
}

/** funcls's own frames: its package by module name, and the app process's `__main__`
 * (`python -m funcls.runner.worker`), whose frames are named `__main__`, by its path. */
export const FUNCLS_FRAMES: readonly DebugRule[] = hiddenRules;

/** The `rules` of the attach request: the user's own first (debugpy lets the first rule that
 * matches a file decide), then funcls's frames unless `justMyCode` is false. */
export function debugRules(justMyCode: unknown, userRules: unknown): DebugRule[] | undefined {
  const own = Array.isArray(userRules) ? (userRules as DebugRule[]) : [];
  const rules = justMyCode === false ? own : [...own, ...FUNCLS_FRAMES];
  return rules.length > 0 ? rules : undefined;
}

/** What VS Code sends to debugpy once the app process listens at `where`. */
export function attachConfiguration(
  config: { name?: unknown; justMyCode?: unknown; rules?: unknown },
  where: { host: string; port: number },
  id: string,
): Record<string, unknown> {
  const justMyCode = config.justMyCode ?? true;
  const rules = debugRules(justMyCode, config.rules);
  return {
    type: "funcls",
    request: "attach",
    name: typeof config.name === "string" ? config.name : "funcls: Debug the app",
    connect: where,
    justMyCode,
    ...(rules !== undefined ? { rules } : {}),
    funclsApp: id,
  };
}

// F5 in a workspace of apps without a launch.json and with no Python editor focused: VS Code
// guesses the debugger from the focused editor's language, and with none it shows its picker
// of every debugger installed (QA in code-server: two apps, no editor open). A keybinding of
// F5 to funcls.debugApp in that case instead offers the apps (by folder) to debug, or debugs
// the only one. A launch.json with configurations keeps F5 as VS Code has it, and so does a
// focused Python editor (VS Code picks among the Python debuggers, funcls's one of them).
export const F5_CONTEXT = { hasApps: "funcls.hasApps", launchConfigs: "funcls.launchConfigs" } as const;
export const F5_WHEN = `debugState == 'inactive' && ${F5_CONTEXT.hasApps} && !${F5_CONTEXT.launchConfigs} && editorLangId != 'python'`;

/** Whether any launch.json (of a folder or the workspace) has configurations, from
 * `getConfiguration("launch", folder).get("configurations")` of each. */
export function hasLaunchConfigurations(lists: readonly unknown[]): boolean {
  return lists.some((list) => Array.isArray(list) && list.some((c) => typeof c === "object" && c !== null));
}

/** Does a funcls.app.status answer say the app runs (and so has a URL to show)? */
export function isRunning(status: unknown): boolean {
  const s = status as { state?: unknown; url?: unknown } | null | undefined;
  return s?.state === "running" && typeof s.url === "string" && s.url !== "";
}
