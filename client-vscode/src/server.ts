// Starting, stopping and restarting the language client. Every start reads the settings and
// the selected interpreter afresh, so a restart picks up a changed funcls.interpreter,
// funcls.serverCommand or rule settings without a window reload.
//
// A start that cannot work says so once: the interpreter is probed first (python.ts PROBE) and
// the client is not started when it fails; should the server still fail or stop later, the
// language client's own notifications are turned off (FunclsClient.error) and one message of
// ours with the fix replaces them.

import { execFile } from "child_process";
import * as path from "path";

import * as vscode from "vscode";
import {
  CloseAction,
  DocumentFormattingRequest,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";

import { atMappedOrigin, originOf } from "./externalUrl";
import { isFunctionsJson, withoutJsonSyntaxErrors, withoutOfferedItems } from "./jsonDuplicates";
import { unlessCancelled } from "./pullDiagnostics";
import { renameLocationOrReason } from "./renameModel";
import {
  PROBE,
  probeFailure,
  readProbe,
  resolveServerCommand,
  startFailure,
  type ServerCommand,
} from "./python";
import { configurationAnswers, readSettings, serverOptions, type FunclsSettings } from "./settings";

export const SECTION = "funcls";

interface PythonEnvironmentApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
}

export async function pythonExtensionApi(): Promise<PythonEnvironmentApi | undefined> {
  const ext = vscode.extensions.getExtension<PythonEnvironmentApi>("ms-python.python");
  if (ext === undefined) {
    return undefined;
  }
  return ext.isActive ? ext.exports : await ext.activate();
}

export function currentSettings(warn = true): FunclsSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const { settings, problems } = readSettings((key) => config.get(key));
  for (const p of warn ? problems : []) {
    void vscode.window.showWarningMessage(p.message);
  }
  return settings;
}

/** The client, whose failures are logged but never shown as the library's own toasts. */
class FunclsClient extends LanguageClient {
  constructor(
    options: { server: ServerOptions; client: LanguageClientOptions },
    private readonly onFailure: (message: string) => void,
  ) {
    super(SECTION, "funcls", options.server, options.client);
  }

  private stopping = false;

  override async start(): Promise<void> {
    await super.start();
    // funcls formats JSON files for the editors whose JSON server it is (Emacs, Neovim); VS Code
    // formats JSON itself and Python through the user's formatter. Registered, funcls would be a
    // second formatter of both ("There are multiple formatters for 'Python' files") and answer
    // nothing for Python, so the client drops the provider the server's capability registered.
    this.getFeature(DocumentFormattingRequest.method).clear();
  }

  override stop(timeout?: number): Promise<void> {
    // A stop we asked for (restart after a settings change, shutdown) is no failure: the old
    // process's "exited with code 0" must not reach the user.
    this.stopping = true;
    return super.stop(timeout);
  }

  override error(message: string, data?: unknown, _showNotification?: boolean | "force"): void {
    super.error(message, data, false);
    // While the server runs, errors are about one request (logged, the feature says nothing);
    // before it runs or after it stopped, they are why there is no server: tell the user once.
    if (!this.isRunning() && !this.stopping) {
      this.onFailure(message);
    }
  }
}

function probe(cmd: ServerCommand): Promise<ReturnType<typeof readProbe>> {
  const [python, ...pythonArgs] = cmd.python ?? [cmd.command];
  return new Promise((resolve) => {
    execFile(
      python as string,
      [...pythonArgs, "-c", PROBE],
      { env: { ...process.env, ...cmd.env }, timeout: 30_000 },
      (err, stdout) => {
        const spawnFailed = err !== null && stdout === "" ? err.message : undefined;
        resolve(readProbe(stdout, spawnFailed));
      },
    );
  });
}

let askingOthers = false; // our completion provider is silent while we ask the others

function isOpen(uri: vscode.Uri): boolean {
  return vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
}

/** An http(s) URL of the runner as the user's browser reaches it, with its path: VS Code
 * maps only the origin (code-server's mapping loses the path; see externalUrl.ts), the path
 * is put back here. The URL itself where there is nothing to map (the desktop). */
export async function externalUrl(url: string): Promise<string> {
  const origin = originOf(url);
  if (origin === undefined) {
    return url;
  }
  try {
    const mapped = await vscode.env.asExternalUri(vscode.Uri.parse(origin));
    return atMappedOrigin(url, mapped.toString(true));
  } catch {
    return url; // no mapping: the URL as it is
  }
}

/** Open an http(s) URL of the runner in the user's browser (see externalUrl). */
export async function openInBrowser(url: string): Promise<boolean> {
  return vscode.env.openExternal(vscode.Uri.parse(await externalUrl(url), true));
}

/** Each JSON syntax error and completion item once (see jsonDuplicates.ts); F2 where funcls
 * renames nothing says so (see renameModel.ts); a cancelled
 * diagnostic pull leaves the document's problems as they were (see pullDiagnostics.ts). */
const jsonMiddleware: LanguageClientOptions["middleware"] = {
  handleDiagnostics: (uri, diagnostics, next) =>
    next(uri, isOpen(uri) ? withoutJsonSyntaxErrors(uri.fsPath, diagnostics) : diagnostics),
  provideDiagnostics: async (document, previousResultId, token, next) => {
    const report = await unlessCancelled(
      token,
      () => next(document, previousResultId, token),
      () => new vscode.CancellationError(),
    );
    const uri = document instanceof vscode.Uri ? document : document.uri;
    if (report && report.kind === "full" && isOpen(uri)) {
      return { ...report, items: withoutJsonSyntaxErrors(uri.fsPath, report.items) };
    }
    return report;
  },
  prepareRename: async (document, position, token, next) => renameLocationOrReason(await next(document, position, token)),
  provideCompletionItem: async (document, position, context, token, next) => {
    if (askingOthers && isFunctionsJson(document.uri.fsPath)) {
      return undefined;
    }
    const ours = await next(document, position, context, token);
    if (ours === null || ours === undefined || !isFunctionsJson(document.uri.fsPath)) {
      return ours;
    }
    askingOthers = true;
    let theirs: vscode.CompletionList | undefined;
    try {
      theirs = await vscode.commands.executeCommand<vscode.CompletionList>(
        "vscode.executeCompletionItemProvider",
        document.uri,
        position,
        context.triggerCharacter,
      );
    } finally {
      askingOthers = false;
    }
    const others = theirs?.items ?? [];
    if (Array.isArray(ours)) {
      return withoutOfferedItems(ours, others);
    }
    return new vscode.CompletionList(withoutOfferedItems(ours.items, others), ours.isIncomplete);
  },
};

export class ServerManager implements vscode.Disposable {
  client: LanguageClient | undefined;
  /** The command the running (or last tried) server was started with. */
  command: ServerCommand | undefined;
  private shown = false; // one failure notification per start
  private readonly started = new vscode.EventEmitter<LanguageClient>();
  readonly onStarted = this.started.event;
  /** Asked before every server command; false: do not send it (the answer is `refused`). */
  beforeCommand: ((command: string, args: unknown[]) => Promise<boolean>) | undefined;
  /** Called with every server command's answer (run results go to their panel). */
  afterCommand: ((command: string, args: unknown[], result: unknown, error?: unknown) => void) | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.OutputChannel,
  ) {}

  async serverCommand(settings: FunclsSettings): Promise<ServerCommand> {
    return resolveServerCommand({
      serverCommand: settings.serverCommand,
      interpreter: settings.interpreter,
      pythonExtension: async () => {
        const api = await pythonExtensionApi();
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        return api?.environments?.getActiveEnvironmentPath(folder)?.path;
      },
      defaultPython: process.platform === "win32" ? "python" : "python3",
      bundledLibs: this.context.asAbsolutePath(path.join("bundled", "libs")),
      importStrategy: settings.importStrategy,
      inheritedPythonPath: process.env.PYTHONPATH,
      pathSeparator: path.delimiter,
    });
  }

  private fail(message: string): void {
    this.output.appendLine(message);
    if (this.shown) {
      return;
    }
    this.shown = true;
    const actions = ["Select Interpreter", "Open Settings", "Show Log"];
    void vscode.window.showErrorMessage(message, ...actions).then(async (choice) => {
      if (choice === "Select Interpreter") {
        const hasPython = vscode.extensions.getExtension("ms-python.python") !== undefined;
        await vscode.commands.executeCommand(
          hasPython ? "python.setInterpreter" : "workbench.action.openSettings",
          ...(hasPython ? [] : ["funcls.interpreter"]),
        );
      } else if (choice === "Open Settings") {
        await vscode.commands.executeCommand("workbench.action.openSettings", "funcls.");
      } else if (choice === "Show Log") {
        this.output.show(true);
      }
    });
  }

  async start(): Promise<void> {
    this.shown = false;
    const settings = currentSettings();
    const cmd = await this.serverCommand(settings);
    this.command = cmd;
    const env = Object.entries(cmd.env).map(([k, v]) => `${k}=${v} `).join("");
    this.output.appendLine(`starting: ${env}${[cmd.command, ...cmd.args].join(" ")} (${cmd.source})`);
    if (cmd.python !== undefined) {
      const verdict = await probe(cmd);
      if (!verdict.ok) {
        this.fail(probeFailure(cmd, verdict));
        return;
      }
      this.output.appendLine(`Python ${verdict.version} can run the server`);
    }
    // No `transport`: with TransportKind.stdio the client appends another `--stdio` to args.
    const server: ServerOptions = {
      command: cmd.command,
      args: cmd.args,
      options: { env: { ...process.env, ...cmd.env, PYTHONUNBUFFERED: "1" } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: "python" },
        { scheme: "file", pattern: "**/function.json" },
        { scheme: "file", pattern: "**/host.json" },
        { scheme: "file", pattern: "**/local.settings.json" },
        { scheme: "file", pattern: "**/requirements.txt" },
        // What `func azure functionapp publish` leaves out (AZF602 while it is typed).
        { scheme: "file", pattern: "**/.funcignore" },
        // Saved inputs (Run with input…): the server puts a ▶ Run lens above each entry.
        { scheme: "file", pattern: "**/funcls.inputs.json" },
      ],
      initializationOptions: { ...serverOptions(settings), runResults: "client" },
      synchronize: { configurationSection: SECTION },
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationFailedHandler: (error) => {
        this.fail(startFailure(cmd, error instanceof Error ? error.message : String(error)));
        return false;
      },
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue, handled: true }),
        closed: () => {
          this.fail(startFailure(cmd, "the server stopped"));
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
      middleware: {
        ...jsonMiddleware,
        executeCommand: async (command, args, next) => {
          if (this.beforeCommand !== undefined && !(await this.beforeCommand(command, args))) {
            return { ok: false, error: "the app's interpreter cannot run it; see the notification" };
          }
          let result: unknown;
          try {
            result = await next(command, args);
          } catch (error) {
            // A run's panel that says "Running…" must hear that it ended (results.ended).
            this.afterCommand?.(command, args, undefined, error);
            throw error;
          }
          this.afterCommand?.(command, args, result);
          return result;
        },
        window: {
          // "Open in browser": the server asks to show the function's URL externally.
          showDocument: async (params, next) => {
            if (params.external === true && originOf(params.uri) !== undefined) {
              return { success: await openInBrowser(params.uri) };
            }
            const answer = await next(params, new vscode.CancellationTokenSource().token);
            return "success" in answer ? answer : { success: false };
          },
        },
        workspace: {
          configuration: async (params, token, next) => {
            const answers = await next(params, token);
            if (!Array.isArray(answers)) {
              return answers;
            }
            const sections = params.items.map((item) => item.section);
            return configurationAnswers(sections, answers, () => serverOptions(currentSettings(false)));
          },
        },
      },
    };
    const client = new FunclsClient({ server, client: clientOptions }, (message) =>
      this.fail(startFailure(cmd, message)),
    );
    this.client = client;
    try {
      await client.start();
    } catch (err) {
      this.fail(startFailure(cmd, err instanceof Error ? err.message : String(err)));
      this.client = undefined;
      return;
    }
    this.started.fire(client);
  }

  async stop(): Promise<void> {
    const old = this.client;
    this.client = undefined;
    if (old !== undefined && old.isRunning()) {
      await old.stop().catch(() => undefined);
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  dispose(): void {
    void this.stop();
    this.started.dispose();
  }
}
