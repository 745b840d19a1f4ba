// New function / New app: quick picks and input boxes over the server's funcls.new.templates,
// funcls.new.function and funcls.new.app (the generation is the server's, shared with other
// editors and `funcls new`). The server applies the edit, opens the result and reports any
// refusal itself; this module only asks.

import * as fs from "fs";
import * as path from "path";

import * as vscode from "vscode";

import { readInstall, type RequirementsAdded } from "./appEnvModel";
import {
  blueprintVariable,
  defaultFunctionName,
  functionModel,
  newAppChoices,
  placeChoices,
  readTemplates,
  settingChoices,
  settingPrompt,
  templatePick,
  validateAppFolderName,
  validateFunctionName,
  type Template,
} from "./scaffoldModel";

export interface ScaffoldDeps {
  pickApp(): Promise<{ root: string; model: string } | undefined>;
  /** The names of the app's functions (the view's), for the name offered. */
  functionNames?(root: string): readonly string[];
  /** Offers the install of what requirements.txt gained into the app's interpreter (the
   * server then leaves out its note saying to run pip by hand). */
  offerInstall?(root: string, added: RequirementsAdded): void;
}

/** The server's templates; with the app's folder, an HTTP template's auth_level defaults to
 * the app's http_auth_level (the pick sends its choice, which would override it). */
async function templates(name?: string, root?: string): Promise<Template[]> {
  const args = root !== undefined ? [name ?? "", root] : name ? [name] : [];
  return readTemplates(await vscode.commands.executeCommand("funcls.new.templates", ...args));
}

export async function newFunction(deps: ScaffoldDeps, given?: { root: string; model: string }): Promise<unknown> {
  const app = given ?? (await deps.pickApp());
  if (app === undefined) {
    void vscode.window.showWarningMessage(
      "funcls found no Azure Functions app to add a function to; create one with funcls: New app…",
    );
    return undefined;
  }
  const all = await templates();
  if (all.length === 0) {
    void vscode.window.showErrorMessage("funcls: the language server offered no function templates; is it running?");
    return undefined;
  }
  const model =
    functionModel(app.model, fs.existsSync(path.join(app.root, "function_app.py"))) ??
    (await pickModel(`New function: programming model of ${path.basename(app.root)}`, true))?.label;
  if (model === undefined) {
    return undefined;
  }
  const { templates: fits, placeHolder } = templatePick(all, model);
  const picked = await vscode.window.showQuickPick(
    fits.map((t) => ({ label: t.title, description: t.trigger, template: t })),
    // The trigger's id (http, durable-orchestration) is shown beside its title: typed, it finds it.
    { title: "New function: trigger", placeHolder, matchOnDescription: true },
  );
  if (picked === undefined) {
    return undefined;
  }
  // A v2 function goes where the user is: the blueprint module open in the editor, if asked.
  let file: string | undefined;
  const place = model === "v2" && !picked.template.trigger.startsWith("durable") ? activeBlueprint(app.root) : undefined;
  if (place !== undefined) {
    const where = await vscode.window.showQuickPick(placeChoices(place.module, place.variable), {
      title: `New function: where in ${path.basename(app.root)}?`,
    });
    if (where === undefined) {
      return undefined;
    }
    file = where.file;
  }
  const offered = defaultFunctionName(picked.template.trigger, deps.functionNames?.(app.root) ?? []);
  const name = await vscode.window.showInputBox({
    title: `New function: ${picked.label}`,
    prompt: "The function's name (a Python identifier)",
    value: offered,
    valueSelection: [0, offered.length],
    validateInput: validateFunctionName,
  });
  if (name === undefined) {
    return undefined;
  }
  const template = (await templates(name, app.root)).find((t) => t.trigger === picked.template.trigger) ?? picked.template;
  const settings: Record<string, string> = {};
  for (const setting of template.settings) {
    const prompt = settingPrompt(setting);
    const choices = settingChoices(setting);
    if (choices !== undefined) {
      const chosen = await vscode.window.showQuickPick(choices, {
        title: `New function ${name}: ${setting.name}`,
        placeHolder: prompt.prompt,
      });
      if (chosen === undefined) {
        return undefined;
      }
      settings[setting.name] = chosen.label;
      continue;
    }
    const value = await vscode.window.showInputBox({
      title: `New function ${name}: ${setting.name}`,
      prompt: prompt.prompt,
      value: prompt.value,
      validateInput: prompt.validate,
    });
    if (value === undefined) {
      return undefined;
    }
    if (value !== "") {
      settings[setting.name] = value;
    }
  }
  const answer = await vscode.commands.executeCommand("funcls.new.function", app.root, {
    trigger: template.trigger,
    name,
    settings,
    v1: model === "v1",
    ...(file !== undefined ? { file } : {}),
    ...(deps.offerInstall !== undefined ? { offersInstall: true } : {}),
  });
  const added = readInstall(answer);
  if (added !== undefined && deps.offerInstall !== undefined) {
    deps.offerInstall(app.root, added);
  }
  return answer;
}

/** The active editor's module when it is a blueprint module of the app at `root` (not
 * function_app.py): its path in the app (with /) and the blueprint's variable. */
function activeBlueprint(root: string): { module: string; variable: string } | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc === undefined || doc.uri.scheme !== "file" || !doc.fileName.endsWith(".py")) {
    return undefined;
  }
  const rel = path.relative(root, doc.fileName);
  if (rel.startsWith("..") || path.isAbsolute(rel) || rel === "function_app.py") {
    return undefined;
  }
  const variable = blueprintVariable(doc.getText());
  return variable === undefined ? undefined : { module: rel.split(path.sep).join("/"), variable };
}

/** v2 or v1; `noScript`: asked of an app without function_app.py, which v1 is first for. */
function pickModel(title: string, noScript: boolean): Thenable<{ label: "v1" | "v2"; v1: boolean } | undefined> {
  const v2 = { label: "v2" as const, description: "decorators in function_app.py (recommended)", v1: false };
  const v1 = { label: "v1" as const, description: "a folder with function.json per function", v1: true };
  if (noScript) {
    v1.description += " (this app has no function_app.py)";
    v2.description = "decorators in function_app.py, which is created";
  }
  return vscode.window.showQuickPick(noScript ? [v1, v2] : [v2, v1], { title });
}

export async function newApp(apps: () => Promise<string[]>): Promise<unknown> {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => ({ name: f.name, path: f.uri.fsPath }));
  const where = await vscode.window.showQuickPick(newAppChoices(folders, await apps(), path.sep), {
    title: "New app: folder",
  });
  if (where === undefined) {
    return undefined;
  }
  let folder = where.folder === undefined ? undefined : vscode.Uri.file(where.folder);
  if (where.parent !== undefined) {
    const parent = where.parent;
    const name = await vscode.window.showInputBox({
      title: `New app: a new folder in ${path.basename(parent)}`,
      prompt: "The new app's folder name",
      validateInput: (value) => validateAppFolderName(value, (n) => fs.existsSync(path.join(parent, n))),
    });
    if (name === undefined) {
      return undefined;
    }
    folder = vscode.Uri.file(path.join(parent, name.trim()));
  } else if (folder === undefined) {
    const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: "Create the app here" });
    folder = chosen?.[0];
  }
  if (folder === undefined) {
    return undefined;
  }
  const model = await pickModel("New app: programming model", false);
  if (model === undefined) {
    return undefined;
  }
  return vscode.commands.executeCommand("funcls.new.app", folder.fsPath, { v1: model.v1 });
}
