// `funcls run` as a child process of the extension, its output in a terminal of its own (a
// Pseudoterminal): the terminal stays open after the process ends, with the exit code, and a
// process that ends on its own gets one notification with its last lines — "Start the app"
// no longer fails invisibly. Closing the terminal stops the app.

import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

import * as vscode from "vscode";

import { lastLines } from "./run";

export interface AppCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface AppProcess {
  child: ChildProcess;
  terminal: vscode.Terminal;
  /** Resolves with the first match of `waitFor` in the output; rejects when the process ends first. */
  ready: Promise<RegExpExecArray | undefined>;
}

/** The last terminal started under each name, and whether its process has ended. */
const terminals = new Map<string, { terminal: vscode.Terminal; ended: boolean }>();

export function startAppProcess(
  cmd: AppCommand,
  root: string,
  name: string,
  options: {
    waitFor?: RegExp;
    preface?: string[];
    /** Each chunk of the app's output, as the terminal gets it, and its stream. */
    onOutput?: (text: string, stream: "stdout" | "stderr") => void;
  } = {},
): AppProcess {
  const write = new vscode.EventEmitter<string>();
  const child = spawn(cmd.command, cmd.args, {
    cwd: root,
    env: { ...process.env, ...cmd.env, PYTHONUNBUFFERED: "1" },
  });
  let stopping = false;
  // A new run replaces the terminal of the last one of that name once it has ended: each F5
  // (or Start) left a "funcls debug: <app>" terminal behind, one more per run (QA in
  // code-server), where VS Code's own debuggers reuse theirs.
  const previous = terminals.get(name);
  if (previous?.ended) {
    previous.terminal.dispose();
  }
  const terminal = vscode.window.createTerminal({
    name,
    pty: {
      onDidWrite: write.event,
      open: () => {
        for (const line of options.preface ?? []) {
          write.fire(`${line}\r\n`);
        }
      },
      close: () => {
        stopping = true;
        child.kill("SIGTERM");
      },
    },
  });
  const entry = { terminal, ended: false };
  terminals.set(name, entry);
  let seen = "";
  const ready = new Promise<RegExpExecArray | undefined>((resolve, reject) => {
    if (options.waitFor === undefined) {
      resolve(undefined);
    }
    const onData = (data: Buffer, stream: "stdout" | "stderr") => {
      const text = data.toString();
      write.fire(text.replace(/\r?\n/g, "\r\n"));
      options.onOutput?.(text, stream);
      seen = (seen + text).slice(-8000);
      const m = options.waitFor?.exec(seen);
      if (m) {
        resolve(m);
      }
    };
    child.stdout?.on("data", (data: Buffer) => onData(data, "stdout"));
    child.stderr?.on("data", (data: Buffer) => onData(data, "stderr"));
    child.on("error", (err) => {
      entry.ended = true;
      write.fire(`could not start ${cmd.command}: ${err.message}\r\n`);
      reject(new Error(`could not start ${cmd.command}: ${err.message}`));
    });
    child.on("exit", (code, signal) => {
      entry.ended = true;
      const how = code !== null ? `exited with ${code}` : `was stopped (${signal})`;
      write.fire(`\r\n[funcls run ${how}]\r\n`);
      options.onOutput?.(`[funcls run ${how}]\n`, "stdout");
      const why = lastLines(seen, 3);
      // child.killed: the extension stopped it (the debug session ended, the extension quit).
      if (!stopping && !child.killed && code !== 0) {
        void vscode.window
          .showErrorMessage(`funcls run for ${path.basename(root)} ${how}: ${why}`, "Show Output")
          .then((choice) => (choice ? terminal.show() : undefined));
      }
      reject(new Error(`funcls run ${how}: ${why}`));
    });
  });
  ready.catch(() => undefined); // callers that do not wait must not see an unhandled rejection
  return { child, terminal, ready };
}

/** Is `port` free on 127.0.0.1? */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
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

/** The app's own HTTP port: Host.LocalHttpPort of local.settings.json, else 7071. */
export function configuredPort(root: string): number {
  try {
    const settings = JSON.parse(fs.readFileSync(path.join(root, "local.settings.json"), "utf8")) as {
      Host?: { LocalHttpPort?: unknown };
    };
    const port = Number(settings.Host?.LocalHttpPort);
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : 7071;
  } catch {
    return 7071;
  }
}
