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

// F5's Debug Console: the app's output (`funcls run`'s console: each invocation's logs,
// prints and tracebacks, as the host prints them) goes to the terminal and, during the debug
// session, to the Debug Console too — as the Azure Functions extension's F5 shows the host's
// output there. QA in code-server: the Debug Console stayed empty for the whole session.
// The feed writes through the session's adapter (debug.ts, DebugpyProxy) once it talks to
// debugpy, and holds what comes before (the banner, the functions' URLs), up to HELD_CHARS.

export const HELD_CHARS = 200_000;

export type OutputCategory = "stdout" | "stderr" | "console";

export interface ConsoleSink {
  /** Can the feed's session show output now? */
  isActive(): boolean;
  append(text: string, category: OutputCategory): void;
}

export class ConsoleFeed {
  private held: [string, OutputCategory][] = [];
  private heldChars = 0;
  private dropped = 0;

  constructor(private readonly sink: ConsoleSink) {}

  /** Some of the app's output (any chunk: lines may be split between chunks). */
  write(text: string, category: OutputCategory = "stdout"): void {
    const plain = text.replace(/\r\n/g, "\n");
    if (plain === "") {
      return;
    }
    if (this.sink.isActive()) {
      this.flush();
      this.sink.append(plain, category);
      return;
    }
    this.held.push([plain, category]);
    this.heldChars += plain.length;
    while (this.heldChars > HELD_CHARS && this.held.length > 1) {
      const [first] = this.held.shift() ?? [""];
      this.heldChars -= first.length;
      this.dropped += first.length;
    }
  }

  /** Write what was held, if the session can show it (called when it becomes able to). */
  flush(): void {
    if (this.held.length === 0 || !this.sink.isActive()) {
      return;
    }
    const held = this.held;
    const dropped = this.dropped;
    this.held = [];
    this.heldChars = 0;
    this.dropped = 0;
    if (dropped > 0) {
      this.sink.append(`[funcls: ${dropped} earlier characters of the app's output are in its terminal only]\n`, "console");
    }
    for (const [text, category] of held) {
      this.sink.append(text, category);
    }
  }
}

// The Debug Adapter Protocol's framing (a header "Content-Length: N", a blank line, N bytes of
// JSON), for the adapter that stands between VS Code and debugpy (debug.ts, DebugpyProxy): it
// passes every message through and adds the app's output as DAP "output" events, so the
// Debug Console shows it as the program's stdout/stderr — `activeDebugConsole.append` shows
// whatever it is given in the warning colour (VS Code's mainThreadDebugService appends with
// severity Warning), and only to the active session's console.

const HEADER_END = "\r\n\r\n";

/** Encode one DAP message. */
export function dapFrame(message: object): Buffer {
  const body = Buffer.from(JSON.stringify(message), "utf8");
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}${HEADER_END}`, "ascii"), body]);
}

/** Decodes the DAP messages of a byte stream, chunk by chunk. */
export class DapReader {
  private buffer: Buffer = Buffer.alloc(0);

  /** The messages completed by `chunk`; throws on a header without Content-Length or bad JSON. */
  push(chunk: Buffer): unknown[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: unknown[] = [];
    for (;;) {
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) {
        return out;
      }
      const header = this.buffer.subarray(0, end).toString("ascii");
      const m = /(?:^|\r\n)Content-Length:\s*(\d+)/i.exec(header);
      if (m === null) {
        throw new Error(`a DAP message without Content-Length: ${JSON.stringify(header.slice(0, 200))}`);
      }
      const start = end + HEADER_END.length;
      const length = Number(m[1]);
      if (this.buffer.length < start + length) {
        return out;
      }
      out.push(JSON.parse(this.buffer.subarray(start, start + length).toString("utf8")));
      this.buffer = this.buffer.subarray(start + length);
    }
  }
}

/** The DAP event that shows `text` in the Debug Console as the program's output. */
export function outputEvent(text: string, category: OutputCategory): object {
  return { seq: 0, type: "event", event: "output", body: { category, output: text } };
}
