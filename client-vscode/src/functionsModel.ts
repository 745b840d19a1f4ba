// What the Functions view shows, from the server's `funcls/functions` answer and the warm
// app's `funcls/appState`. No `vscode` import: unit-tested in Node.

/** One function as funcls/functions describes it (funcls/lsp/functions_view.py). */
export interface FunctionView {
  name: string;
  model: "v1" | "v2";
  trigger: string | null;
  kind: string;
  detail: string;
  methods: string[] | null;
  route: string | null;
  urlPath: string | null;
  url: string | null;
  answersGet: boolean;
  location: { uri: string; path: string; line: number; character: number } | null;
  config: string | null;
  runnable: boolean;
  whyNotRunnable: string | null;
  /** The connection settings of its queue/blob bindings (absent from older servers). */
  storage?: string[];
  errors: number;
  warnings: number;
}

export interface AppView {
  root: string;
  name: string;
  model: string;
  hostJson: string | null;
  script: string | null;
  errors: number;
  warnings: number;
  functions: FunctionView[];
}

export interface FunctionsAnswer {
  apps: AppView[];
  /** The server is still indexing the workspace for the first time: `apps` may be missing
   * some (QA in code-server: the view said "No Azure Functions app found yet" and offered
   * New app… for the first seconds of a workspace holding two apps). */
  indexing?: true;
}

/** The warm app's state (`funcls.app.status`, `funcls/appState`). */
export interface AppState {
  root: string;
  state: "stopped" | "starting" | "running" | "failed";
  url: string | null;
  pid: number | null;
  external: boolean;
  error: string | null;
  /** What the running app failed to load ("function_app.py: ModuleNotFoundError: …"): it
   * runs on without those functions (QA: the view said "running on …" and nothing else). */
  loadErrors?: string[];
}

/** Reads an untrusted answer into the view's types; anything malformed is dropped, not thrown. */
export function readAnswer(raw: unknown): FunctionsAnswer {
  const apps = (raw as { apps?: unknown } | null | undefined)?.apps;
  if (!Array.isArray(apps)) {
    return { apps: [] };
  }
  return {
    apps: apps.filter(
      (a): a is AppView =>
        typeof a === "object" && a !== null && typeof a.root === "string" && Array.isArray(a.functions),
    ),
    ...((raw as { indexing?: unknown }).indexing === true ? { indexing: true as const } : {}),
  };
}

export function readAppState(raw: unknown): AppState | undefined {
  const s = raw as Partial<AppState> | null | undefined;
  if (s === null || s === undefined || typeof s.root !== "string" || typeof s.state !== "string") {
    return undefined;
  }
  return {
    root: s.root,
    state: s.state,
    url: typeof s.url === "string" ? s.url : null,
    pid: typeof s.pid === "number" ? s.pid : null,
    external: s.external === true,
    error: typeof s.error === "string" ? s.error : null,
    ...(Array.isArray(s.loadErrors) && s.loadErrors.length > 0
      ? { loadErrors: s.loadErrors.filter((e): e is string => typeof e === "string") }
      : {}),
  };
}

/** What the running app failed to load: "function_app.py failed to load" for one error (the
 * file or function before its first ": "), "3 failed to load" for several; "" when none. */
export function loadErrorsText(state: AppState | undefined): string {
  const errors = state?.state === "running" ? (state.loadErrors ?? []) : [];
  if (errors.length === 1) {
    const [first] = errors;
    const what = (first ?? "").split(": ", 1)[0] || "the app";
    return `${what} failed to load`;
  }
  return errors.length > 1 ? `${errors.length} failed to load` : "";
}

/** Codicon ids by trigger kind. */
const ICONS: Record<string, string> = {
  http: "globe",
  timer: "watch",
  queue: "inbox",
  blob: "file-binary",
  serviceBus: "mail",
  eventHub: "pulse",
  cosmosDB: "database",
  eventGrid: "zap",
  durable: "git-merge",
};

export function iconFor(fn: FunctionView): string {
  if (!fn.runnable && fn.errors === 0) {
    return "circle-slash";
  }
  return ICONS[fn.kind] ?? "symbol-event";
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function problemsText(errors: number, warnings: number): string {
  const parts = [];
  if (errors > 0) {
    parts.push(plural(errors, "error"));
  }
  if (warnings > 0) {
    parts.push(plural(warnings, "warning"));
  }
  return parts.join(", ");
}

/** A trigger detail with its %SETTING% references read from local.settings.json's Values
 * (names ignore case, as the host's lookup does on Windows and funcls's does): all found ->
 * `payments (from %PAYMENTS_QUEUE%)`; any missing -> the detail as written, marked. */
export function resolvedDetail(detail: string, values: Record<string, string> | undefined): string {
  const names = [...detail.matchAll(/%([^%\s]+)%/g)].map((m) => m[1] as string);
  if (names.length === 0 || values === undefined) {
    return detail;
  }
  const lookup = (name: string): string | undefined => {
    const key = Object.keys(values).find((k) => k.toLowerCase() === name.toLowerCase());
    return key !== undefined ? values[key] : undefined;
  };
  const missing = [...new Set(names.filter((n) => !lookup(n)))];
  if (missing.length > 0) {
    return `${detail} (⚠ ${missing.join(", ")} not set in local.settings.json)`;
  }
  return `${detail.replace(/%([^%\s]+)%/g, (_, name: string) => lookup(name) as string)} (from ${detail})`;
}

/** The grey text after a function's name: its trigger detail (settings resolved), the store
 * its queues and blobs are in (storageModel.functionStore), then its problems. */
export function functionDescription(fn: FunctionView, store?: { short: string }, values?: Record<string, string>): string {
  const problems = problemsText(fn.errors, fn.warnings);
  const parts = [resolvedDetail(fn.detail, values), ...(store !== undefined && store.short !== "" ? [store.short] : []), ...(problems !== "" ? [problems] : [])];
  return parts.join(" · ");
}

export function functionTooltip(fn: FunctionView, store?: { long: string }, values?: Record<string, string>): string {
  // Without a trigger the detail says why ("no trigger", "function.json is not valid JSON"):
  // the head line does not say "no trigger" over a file that could not be read.
  const head = fn.trigger !== null ? `${fn.name} (${fn.trigger}, ${fn.model})` : `${fn.name} (${fn.model})`;
  const lines = [head, resolvedDetail(fn.detail, values)];
  if (store !== undefined) {
    lines.push(store.long);
  }
  const problems = problemsText(fn.errors, fn.warnings);
  if (problems !== "") {
    lines.push(problems);
  }
  if (!fn.runnable && fn.whyNotRunnable !== null) {
    lines.push(`Cannot run locally: ${fn.whyNotRunnable}`);
  }
  return lines.join("\n");
}

/**
 * The context value that menus match on: `funclsFunction` plus `-runnable` and `-get` (an HTTP
 * function answering GET: Open in browser) and `-http` (Copy URL).
 */
export function functionContext(fn: FunctionView): string {
  let value = "funclsFunction";
  if (fn.runnable) {
    value += "-runnable";
  }
  if (fn.kind === "http") {
    value += "-http";
    if (fn.answersGet) {
      value += "-get";
    }
  }
  return value;
}

export function appContext(state: AppState | undefined): string {
  const running = state !== undefined && (state.state === "running" || state.state === "starting");
  return running ? "funclsApp-running" : "funclsApp-stopped";
}

export function appDescription(app: AppView, state: AppState | undefined): string {
  const parts: string[] = [];
  switch (state?.state) {
    case "running":
      parts.push(state.url !== null ? `running on ${state.url}` : "running");
      if (loadErrorsText(state) !== "") {
        parts.push(loadErrorsText(state));
      }
      break;
    case "starting":
      parts.push("starting…");
      break;
    case "failed":
      parts.push("failed to start");
      break;
    default:
      parts.push("stopped");
  }
  const problems = problemsText(app.errors, app.warnings);
  if (problems !== "") {
    parts.push(problems);
  }
  return parts.join(" · ");
}

export function appTooltip(app: AppView, state: AppState | undefined): string {
  const lines = [app.root, `${app.model} app, ${plural(app.functions.length, "function")}`];
  if (state?.state === "failed" && state.error !== null) {
    lines.push(`The local runner failed: ${state.error}`);
  }
  if (loadErrorsText(state) !== "") {
    const shown = (e: string) => (e.length > 300 ? `${e.slice(0, 299)}…` : e);
    lines.push("Failed to load (the app runs without these; fix and save, it reloads):");
    lines.push(...(state?.loadErrors ?? []).map((e) => `  ${shown(e)}`));
  }
  return lines.join("\n");
}

/** The function's URL on the running app, else on the default local host. */
export function functionUrl(fn: FunctionView, state: AppState | undefined): string | undefined {
  if (fn.urlPath === null) {
    return undefined;
  }
  if (state?.state === "running" && state.url !== null) {
    return state.url.replace(/\/+$/, "") + fn.urlPath;
  }
  return fn.url ?? undefined;
}
