// F5: the `funcls` debug type. Resolving a configuration starts `funcls run APP --debug PORT`
// in the app's interpreter (a child process of the extension whose output goes to a terminal)
// and waits for debugpy to listen; the session then attaches through debugpy's own adapter
// (`python -m debugpy.adapter`, a DebugAdapterExecutable), so breakpoints in functions work
// without Microsoft's Python extension. Ending the session stops the app.
//
// debugpy's adapter takes an "attach" request with `connect: {host, port}` (its documented
// remote-attach form); the configuration handed to VS Code is rewritten to that.

import { spawn, type ChildProcess } from "child_process";
import * as net from "net";
import * as path from "path";

import * as vscode from "vscode";

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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The running app of each debug session, stopped when the session ends. */
const apps = new Map<string, ChildProcess>();

function startApp(
  cmd: { command: string; args: string[]; env: Record<string, string> },
  root: string,
  output: vscode.OutputChannel,
): { child: ChildProcess; listening: Promise<{ host: string; port: number }> } {
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<void>();
  output.appendLine(`debugging the app: ${[cmd.command, ...cmd.args].join(" ")}`);
  const child = spawn(cmd.command, cmd.args, {
    cwd: root,
    env: { ...process.env, ...cmd.env, PYTHONUNBUFFERED: "1" },
  });
  const terminal = vscode.window.createTerminal({
    name: `funcls debug: ${path.basename(root)}`,
    pty: {
      onDidWrite: write.event,
      onDidClose: close.event,
      open: () => undefined,
      close: () => void child.kill("SIGTERM"),
    },
  });
  terminal.show(true);
  let seen = "";
  const listening = new Promise<{ host: string; port: number }>((resolve, reject) => {
    const onData = (data: Buffer) => {
      const text = data.toString();
      write.fire(text.replace(/\r?\n/g, "\r\n"));
      seen = (seen + text).slice(-4000);
      const m = LISTENING.exec(seen);
      if (m) {
        resolve({ host: m[1] as string, port: Number(m[2]) });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("error", (err) => reject(new Error(`could not start ${cmd.command}: ${err.message}`)));
    child.on("exit", (code) => {
      write.fire(`\r\n[funcls run exited with ${code}]\r\n`);
      close.fire();
      const last = seen.trim().split(/\r?\n/).slice(-3).join(" / ");
      reject(new Error(`funcls run exited with ${code} before debugpy listened: ${last}`));
    });
  });
  return { child, listening };
}

class Provider implements vscode.DebugConfigurationProvider {
  constructor(private readonly deps: DebugDeps) {}

  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [{ type: DEBUG_TYPE, request: "launch", name: "funcls: Debug the app" }];
  }

  async resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
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
    const server = await this.deps.serverCommand();
    const debugPort = typeof config.debugPort === "number" ? config.debugPort : await freePort();
    const extra = [...this.deps.runArgs(), ...(Array.isArray(config.args) ? (config.args as string[]) : [])];
    if (!hasPortArg(extra)) {
      extra.push("--port", String(await freePort()));
    }
    const cmd = debugRunCommand(server, app, debugPort, extra);
    const { child, listening } = startApp(cmd, app, this.deps.output);
    let where: { host: string; port: number };
    try {
      where = await listening;
    } catch (err) {
      child.kill("SIGTERM");
      const message = err instanceof Error ? err.message : String(err);
      void vscode.window.showErrorMessage(`funcls could not debug ${path.basename(app)}: ${message}`);
      return undefined;
    }
    const id = `${app}#${debugPort}`;
    apps.set(id, child);
    return {
      type: DEBUG_TYPE,
      request: "attach",
      name: config.name ?? "funcls: Debug the app",
      connect: where,
      justMyCode: config.justMyCode ?? true,
      funclsApp: id,
      python: server.python ?? [server.command],
      env: server.env,
    };
  }
}

class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    const python = (session.configuration.python as string[] | undefined) ?? ["python3"];
    const [command, ...args] = python as [string, ...string[]];
    const env = (session.configuration.env as Record<string, string> | undefined) ?? {};
    return new vscode.DebugAdapterExecutable(command, [...args, "-m", "debugpy.adapter"], { env });
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
    vscode.debug.onDidTerminateDebugSession((session) => {
      const id = session.configuration.funclsApp as string | undefined;
      const child = id !== undefined ? apps.get(id) : undefined;
      if (child !== undefined && id !== undefined) {
        apps.delete(id);
        child.kill("SIGTERM");
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
