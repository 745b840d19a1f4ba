// F5: the `funcls` debug type. Resolving a configuration starts `funcls run APP --debug PORT`
// in the app's interpreter (a child process of the extension whose output goes to a terminal)
// and waits for the banner's "debugpy listens on HOST:PORT". `debugpy.listen()` in the app
// process has started debugpy's own adapter (debugpy/adapter, in the app's environment) on that
// port, so VS Code speaks DAP to it (through DebugpyProxy, a TCP pass-through) with an "attach" request —
// breakpoints in functions work without Microsoft's Python extension. (A second
// `python -m debugpy.adapter` in front of it only waits for a debuggee to connect back: tried,
// it never answers the attach.) Ending the session stops the app. The app's output goes to its
// terminal and, as DAP output events the proxy adds, to the session's Debug Console
// (debugModel.ConsoleFeed).

import type { ChildProcess } from "child_process";
import * as net from "net";
import * as path from "path";

import * as vscode from "vscode";

import { appServerCommand, ensureAppEnvironment } from "./appEnv";
import { attachConfiguration, ConsoleFeed, DapReader, dapFrame, isRunning, outputEvent, type OutputCategory } from "./debugModel";
import { freePort, startAppProcess } from "./appProcess";
import { debugRunCommand, hasPortArg } from "./run";
import type { ServerCommand } from "./python";

export const DEBUG_TYPE = "funcls";
const LISTENING = /debugpy listens on ([\d.]+):(\d+)/;

export interface DebugDeps {
  /** The server's command (its interpreter and PYTHONPATH run the app). */
  serverCommand(): Promise<ServerCommand>;
  runArgs(): string[];
  /** The apps of the workspace, and the one to use when there are several. */
  pickApp(): Promise<string | undefined>;
  output: vscode.OutputChannel;
}

/** The running app of each debug session, stopped when the session ends. */
const apps = new Map<string, ChildProcess>();
/** The Debug Console feed of each debug session's app, and the session's adapter. */
const feeds = new Map<string, ConsoleFeed>();
const proxies = new Map<string, DebugpyProxy>();

/** The session's debug adapter: debugpy's own, over TCP, every message passed through as is;
 * it adds the app's output as DAP output events (the Debug Console shows them as the
 * program's stdout/stderr, in the session's own console). */
class DebugpyProxy implements vscode.DebugAdapter {
  private readonly sent = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.sent.event;
  private readonly socket: net.Socket;
  private readonly reader = new DapReader();
  /** debugpy answered (its first message came): output can go to the console. */
  talking = false;
  private ended = false;

  constructor(host: string, port: number, private readonly onTalking: () => void) {
    this.socket = net.connect(port, host);
    this.socket.on("data", (chunk: Buffer) => {
      let messages: unknown[];
      try {
        messages = this.reader.push(chunk);
      } catch (err) {
        this.end(`funcls: debugpy sent what is not DAP (${err instanceof Error ? err.message : String(err)})`);
        return;
      }
      for (const message of messages) {
        this.sent.fire(message as vscode.DebugProtocolMessage);
      }
      if (!this.talking && messages.length > 0) {
        this.talking = true;
        this.onTalking();
      }
    });
    this.socket.on("error", (err) => this.end(`funcls: the connection to debugpy on ${host}:${port} failed: ${err.message}`));
    this.socket.on("close", () => this.end());
  }

  handleMessage(message: vscode.DebugProtocolMessage): void {
    if (!this.ended) {
      this.socket.write(dapFrame(message as object));
    }
  }

  output(text: string, category: OutputCategory): void {
    if (!this.ended) {
      this.sent.fire(outputEvent(text, category) as vscode.DebugProtocolMessage);
    }
  }

  /** debugpy is gone: say why (if it failed) and end the session. */
  private end(why?: string): void {
    if (this.ended) {
      return;
    }
    if (why !== undefined) {
      this.output(`${why}\n`, "stderr");
    }
    this.ended = true;
    this.sent.fire({ seq: 0, type: "event", event: "terminated" } as vscode.DebugProtocolMessage);
  }

  dispose(): void {
    this.ended = true;
    this.socket.destroy();
    this.sent.dispose();
  }
}

class Provider implements vscode.DebugConfigurationProvider {
  constructor(private readonly deps: DebugDeps) {}

  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [{ type: DEBUG_TYPE, request: "launch", name: "funcls: Debug the app" }];
  }

  async resolveDebugConfiguration(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    if (!config.type && !config.request && !config.name) {
      // F5 without a launch.json.
      config = { type: DEBUG_TYPE, request: "launch", name: "funcls: Debug the app" };
    }
    if (config.type !== DEBUG_TYPE) {
      return config;
    }
    const app = typeof config.app === "string" && config.app !== "" ? config.app : await this.deps.pickApp();
    if (app === undefined) {
      void vscode.window.showWarningMessage("funcls found no Azure Functions app to debug (no folder with host.json).");
      return undefined;
    }
    const server = await appServerCommand(await this.deps.serverCommand(), app);
    // Once debugpy is installed, "Debug Again" starts this same configuration (app chosen).
    const again = { label: "Debug Again", run: () => vscode.debug.startDebugging(folder, { ...config, app }) };
    if (!(await ensureAppEnvironment(server, app, true, again))) {
      return undefined;
    }
    const debugPort = typeof config.debugPort === "number" ? config.debugPort : await freePort();
    const extra = [...this.deps.runArgs(), ...(Array.isArray(config.args) ? (config.args as string[]) : [])];
    if (!hasPortArg(extra)) {
      extra.push("--port", String(await freePort()));
    }
    // The Run lens and the view run functions through the server's warm app of this folder;
    // stopped, the server finds the debugged `funcls run` (its .funcls/run.json) and runs
    // them there, so a ▶ Run stops at the breakpoints.
    try {
      await vscode.commands.executeCommand("funcls.app.stop", app);
    } catch {
      // no language server (yet): nothing to stop
    }
    const cmd = debugRunCommand(server, app, debugPort, extra);
    this.deps.output.appendLine(`debugging the app: ${[cmd.command, ...cmd.args].join(" ")}`);
    const id = `${app}#${debugPort}`;
    const feed = new ConsoleFeed({
      isActive: () => proxies.get(id)?.talking === true,
      append: (text, category) => proxies.get(id)?.output(text, category),
    });
    feeds.set(id, feed);
    const { child, terminal, ready } = startAppProcess(cmd, app, `funcls debug: ${path.basename(app)}`, {
      waitFor: LISTENING,
      onOutput: (text, stream) => feed.write(text, stream),
    });
    terminal.show(true);
    let where: { host: string; port: number };
    try {
      const m = await ready;
      where = { host: m?.[1] ?? "127.0.0.1", port: Number(m?.[2] ?? debugPort) };
    } catch (err) {
      feeds.delete(id);
      child.kill("SIGTERM");
      const message = err instanceof Error ? err.message : String(err);
      void vscode.window.showErrorMessage(`funcls could not debug ${path.basename(app)}: ${message}`);
      return undefined;
    }
    // Let the server pick up the debugged run, so the view and the status bar show its URL.
    // debugpy listens before the app's HTTP server is up (and writes its .funcls/run.json):
    // asked once at this point, the server found nothing and the view said "stopped" for the
    // whole session until a first Run (QA in code-server). Asked again until it runs.
    void untilRunning(app, child);
    apps.set(id, child);
    this.deps.output.appendLine(`attaching to debugpy on ${where.host}:${where.port}`);
    return attachConfiguration(config, where, id) as vscode.DebugConfiguration;
  }
}

/** Ask the server for the app's status (which adopts a running `funcls run` and tells the
 * view) every second until it says running, the child ends, or a minute passed. */
async function untilRunning(app: string, child: ChildProcess, tries = 60): Promise<void> {
  for (let i = 0; i < tries && child.exitCode === null && child.signalCode === null; i++) {
    let state: unknown;
    try {
      state = await vscode.commands.executeCommand("funcls.app.status", app);
    } catch {
      return; // no language server: nothing to tell
    }
    if (isRunning(state)) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    const connect = session.configuration.connect as { host: string; port: number } | undefined;
    if (connect === undefined) {
      throw new Error("funcls: this debug session has no debugpy address; start it with F5 or funcls: Debug the app");
    }
    const id = session.configuration.funclsApp as string | undefined;
    const proxy = new DebugpyProxy(connect.host, connect.port, () => {
      if (id !== undefined) {
        feeds.get(id)?.flush();
      }
    });
    if (id !== undefined) {
      proxies.set(id, proxy);
    }
    return new vscode.DebugAdapterInlineImplementation(proxy);
  }
}

export function registerDebugging(deps: DebugDeps): vscode.Disposable[] {
  return [
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new Provider(deps)),
    vscode.debug.registerDebugConfigurationProvider(
      DEBUG_TYPE,
      { provideDebugConfigurations: () => [{ type: DEBUG_TYPE, request: "launch", name: "funcls: Debug the app" }] },
      vscode.DebugConfigurationProviderTriggerKind.Dynamic,
    ),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new AdapterFactory()),
    // The adapter's failures and exit go to the output channel (VS Code shows little of them).
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
      createDebugAdapterTracker: (session) => ({
        onError: (error) => deps.output.appendLine(`debug adapter error: ${error.message}`),
        onExit: (code, signal) => deps.output.appendLine(`debug adapter exited: ${code ?? signal}`),
        onDidSendMessage: (message: { type?: string; command?: string; event?: string; success?: boolean; message?: string }) => {
          if (message.type === "response" && message.success === false) {
            deps.output.appendLine(`debug adapter: ${message.command} failed: ${message.message ?? ""}`);
          } else if (message.type === "event" && (message.event === "stopped" || message.event === "terminated")) {
            deps.output.appendLine(`debug session ${session.name}: ${message.event}`);
          }
        },
      }),
    }),
    vscode.debug.onDidTerminateDebugSession((session) => {
      const id = session.configuration.funclsApp as string | undefined;
      if (id !== undefined) {
        feeds.delete(id);
        proxies.delete(id);
      }
      const child = id !== undefined ? apps.get(id) : undefined;
      if (child !== undefined && id !== undefined) {
        apps.delete(id);
        // Once it is gone, the server finds the debugged run stopped and tells the view and
        // the status bar (they showed its URL as running until the next Run).
        const app = id.slice(0, id.lastIndexOf("#"));
        const told = () => void Promise.resolve(vscode.commands.executeCommand("funcls.app.status", app)).catch(() => undefined);
        if (child.exitCode !== null || child.signalCode !== null) {
          told();
        } else {
          child.once("exit", told);
          child.kill("SIGTERM");
        }
      }
    }),
    vscode.commands.registerCommand("funcls.debugApp", async (node?: { app?: { root: string } }) => {
      const config: vscode.DebugConfiguration = { type: DEBUG_TYPE, request: "launch", name: "funcls: Debug the app" };
      if (node?.app?.root !== undefined) {
        config.app = node.app.root;
      }
      return vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], config);
    }),
    { dispose: () => apps.forEach((child) => child.kill("SIGTERM")) },
  ];
}
