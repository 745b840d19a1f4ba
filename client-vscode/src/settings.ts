// Reading and validating the extension's settings. No `vscode` import: unit-tested in Node.

export type Severity = "error" | "warning" | "info" | "hint";

export interface FunclsSettings {
  interpreter: string[];
  serverCommand: string[];
  select: string[];
  ignore: string[];
  severity: Record<string, Severity>;
  extraAppRoots: string[];
  /** Extra arguments for `funcls run` when the Start the app command runs it. */
  runArgs: string[];
  /** Run the server from the libraries bundled in the extension, or from the interpreter's own. */
  importStrategy: "useBundled" | "fromEnvironment";
}

export interface SettingsProblem {
  key: string;
  message: string;
}

export const DEFAULTS: FunclsSettings = {
  interpreter: [],
  serverCommand: [],
  select: [],
  ignore: [],
  severity: {},
  extraAppRoots: [],
  runArgs: [],
  importStrategy: "useBundled",
};

const SEVERITIES: readonly Severity[] = ["error", "warning", "info", "hint"];

function stringList(key: string, value: unknown, problems: SettingsProblem[]): string[] {
  if (value === undefined || value === null) {
    return [];
  }
  if (typeof value === "string") {
    return value.trim() === "" ? [] : [value];
  }
  if (Array.isArray(value) && value.every((v): v is string => typeof v === "string")) {
    return value.filter((v) => v.trim() !== "");
  }
  problems.push({ key, message: `funcls.${key} must be a list of strings; using the default` });
  return [];
}

function severityMap(
  value: unknown,
  problems: SettingsProblem[],
): Record<string, Severity> {
  if (value === undefined || value === null) {
    return {};
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    problems.push({
      key: "severity",
      message: "funcls.severity must map rule codes to error, warning, info or hint; ignoring it",
    });
    return {};
  }
  const out: Record<string, Severity> = {};
  for (const [code, raw] of Object.entries(value as Record<string, unknown>)) {
    const level = typeof raw === "string" ? raw.toLowerCase() : "";
    if ((SEVERITIES as readonly string[]).includes(level)) {
      out[code] = level as Severity;
    } else {
      problems.push({
        key: "severity",
        message: `funcls.severity.${code} is ${JSON.stringify(raw)}; use error, warning, info or hint`,
      });
    }
  }
  return out;
}

function importStrategy(value: unknown, problems: SettingsProblem[]): FunclsSettings["importStrategy"] {
  if (value === undefined || value === null || value === "useBundled") {
    return "useBundled";
  }
  if (value === "fromEnvironment") {
    return value;
  }
  problems.push({
    key: "importStrategy",
    message: `funcls.importStrategy is ${JSON.stringify(value)}; use useBundled or fromEnvironment (using useBundled)`,
  });
  return "useBundled";
}

/** Read every setting through `get` (e.g. a WorkspaceConfiguration's get). */
export function readSettings(get: (key: string) => unknown): {
  settings: FunclsSettings;
  problems: SettingsProblem[];
} {
  const problems: SettingsProblem[] = [];
  const settings: FunclsSettings = {
    interpreter: stringList("interpreter", get("interpreter"), problems),
    serverCommand: stringList("serverCommand", get("serverCommand"), problems),
    select: stringList("select", get("select"), problems),
    ignore: stringList("ignore", get("ignore"), problems),
    severity: severityMap(get("severity"), problems),
    extraAppRoots: stringList("extraAppRoots", get("extraAppRoots"), problems),
    runArgs: stringList("runArgs", get("runArgs"), problems),
    importStrategy: importStrategy(get("importStrategy"), problems),
  };
  return { settings, problems };
}

/** What the server receives as initializationOptions (and on workspace/configuration). */
export function serverOptions(s: FunclsSettings): Record<string, unknown> {
  return {
    select: s.select,
    ignore: s.ignore,
    severity: s.severity,
    extraAppRoots: s.extraAppRoots,
  };
}

/**
 * The answer to the server's workspace/configuration request. VS Code returns the whole
 * `funcls` section, client-only settings (interpreter, serverCommand, trace) included, which the
 * server would report as unknown; for that section the server gets exactly `serverOptions`.
 */
export function configurationAnswers(
  sections: readonly (string | undefined)[],
  answers: readonly unknown[],
  server: () => Record<string, unknown>,
): unknown[] {
  return sections.map((section, i) => (section === "funcls" ? server() : answers[i]));
}
