// Which store a queue or blob function reaches when funcls runs it: its connection setting's
// value in local.settings.json, read as the runner reads it (funcls/runner/storage/selection.py:
// no value -> the embedded store; UseDevelopmentStorage=true or loopback endpoints -> Azurite;
// any other connection string -> that Azure Storage account), and whether the interpreter has
// the Azure SDKs the runner reaches Azurite/Azure with. Without them the runner falls back to
// its embedded store and says so only in its log (funcls/runner/connections.py); the extension
// says it where the user looks. No `vscode` import: unit-tested in Node.

/** The modules the runner's Azure backend imports, and their distributions. */
export const STORAGE_MODULES: readonly [string, string][] = [
  ["azure.storage.queue", "azure-storage-queue"],
  ["azure.storage.blob", "azure-storage-blob"],
];

export const EMBEDDED_PLACE = ".funcls/storage/";

export type StoreKind = "embedded" | "azurite" | "azure";

export interface Store {
  kind: StoreKind;
  /** "Azurite", "the Azure Storage account 'acme'", "the embedded store (.funcls/storage/)" */
  text: string;
}

/** One connection setting the app's queue/blob functions use, and where it leads. */
export interface StorageUse {
  setting: string;
  store: Store;
  functions: string[];
}

/** local.settings.json's Values; anything unreadable reads as no values. */
export function readLocalValues(text: string | undefined): Record<string, string> {
  if (text === undefined) {
    return {};
  }
  try {
    const values = (JSON.parse(text) as { Values?: unknown } | null)?.Values;
    if (typeof values !== "object" || values === null || Array.isArray(values)) {
      return {};
    }
    return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => typeof e[1] === "string"));
  } catch {
    return {};
  }
}

/** A connection setting's value by the host's rules: the name, then AzureWebJobs<name>
 * (runner Connections.value); names compare ignoring case, as settings do. */
export function settingValue(name: string, values: Record<string, string>): string | undefined {
  for (const candidate of [name, `AzureWebJobs${name}`]) {
    const key = Object.keys(values).find((k) => k.toLowerCase() === candidate.toLowerCase());
    const value = key !== undefined ? values[key]?.trim() : undefined;
    if (value) {
      return value;
    }
  }
  return undefined;
}

const EMBEDDED: Store = { kind: "embedded", text: `the embedded store (${EMBEDDED_PLACE})` };

/** Where a connection string leads (selection.open_backend, without its reachability probe). */
export function describeStore(value: string | undefined): Store {
  if (value === undefined || value.trim() === "") {
    return EMBEDDED;
  }
  const parts = new Map<string, string>();
  for (const part of value.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) {
      parts.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
    }
  }
  const loopback = [...parts.entries()].some(
    ([k, v]) => k.endsWith("endpoint") && /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/i.test(v),
  );
  if (parts.get("usedevelopmentstorage")?.toLowerCase() === "true" || loopback) {
    return { kind: "azurite", text: "Azurite" };
  }
  const account = parts.get("accountname");
  return { kind: "azure", text: account ? `the Azure Storage account '${account}'` : "Azure Storage" };
}

/** The queue and blob endpoints the runner probes before it uses Azurite, as (host, port):
 * UseDevelopmentStorage=true reaches 127.0.0.1 (or DevelopmentStorageProxyUri's host) on
 * 10001 and 10000 (funcls/runner/storage/connection.py _development), loopback endpoints
 * their own; when one does not accept a connection the runner uses its embedded store
 * (selection.open_backend). None for a store that is not Azurite. */
export function azuriteEndpoints(value: string | undefined): { host: string; port: number }[] {
  if (value === undefined || describeStore(value).kind !== "azurite") {
    return [];
  }
  const parts = new Map<string, string>();
  for (const part of value.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) {
      parts.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
    }
  }
  const at = (url: string, port?: number) => {
    try {
      const u = new URL(url);
      const host = u.hostname.replace(/^\[|\]$/g, "");
      return [{ host, port: port ?? (u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80) }];
    } catch {
      return [];
    }
  };
  if (parts.get("usedevelopmentstorage")?.toLowerCase() === "true") {
    const proxy = parts.get("developmentstorageproxyuri") || "http://127.0.0.1";
    return [...at(proxy, 10001), ...at(proxy, 10000)];
  }
  return ["queueendpoint", "blobendpoint"].flatMap((k) => (parts.has(k) ? at(parts.get(k) as string) : []));
}

/** The app's storage connections with their stores and functions, from the Functions view's
 * entries (`storage`: each function's queue/blob connection settings). */
export function storageUses(
  functions: readonly { name: string; storage?: readonly string[] }[],
  values: Record<string, string>,
): StorageUse[] {
  const uses = new Map<string, StorageUse>();
  for (const fn of functions) {
    for (const setting of fn.storage ?? []) {
      const key = setting.toLowerCase();
      let use = uses.get(key);
      if (use === undefined) {
        use = { setting, store: describeStore(settingValue(setting, values)), functions: [] };
        uses.set(key, use);
      }
      use.functions.push(fn.name);
    }
  }
  return [...uses.values()];
}

/** The uses the runner needs the Azure SDKs for (any store but the embedded one). */
export function needingSdks(uses: readonly StorageUse[]): StorageUse[] {
  return uses.filter((u) => u.store.kind !== "embedded");
}

function names(list: readonly string[], limit = 3): string {
  const shown = list.slice(0, limit).join(", ");
  return list.length > limit ? `${shown} and ${list.length - limit} more` : shown;
}

/** The warning when the SDKs are missing: what falls back, from what, and the fix. */
export function storageFallbackMessage(python: string, missing: readonly string[], uses: readonly StorageUse[]): string {
  const wanted = needingSdks(uses);
  const functions = [...new Set(wanted.flatMap((u) => u.functions))];
  const where = [...new Set(wanted.map((u) => `${u.store.text} (${u.setting})`))].join(", ");
  return (
    `funcls run will keep the queues and blobs of ${names(functions)} in ${EMBEDDED.text}, not in ${where}: ` +
    `${python} lacks ${missing.join(", ")}, which the runner reaches them with. ` +
    "To use them, install those packages into it and restart the app, or select another interpreter."
  );
}

/** What the Functions view says of a function's store: short (its description) and long (its
 * tooltip). `missingSdks`: what the app's interpreter was found to lack, when known. */
export function functionStore(
  storage: readonly string[] | undefined,
  values: Record<string, string>,
  missingSdks: readonly string[] | undefined,
  azuriteAnswers: (value: string | undefined) => boolean | undefined = () => undefined,
): { short: string; long: string } | undefined {
  if (storage === undefined || storage.length === 0) {
    return undefined;
  }
  const shorts: string[] = [];
  const longs: string[] = [];
  for (const setting of storage) {
    const store = describeStore(settingValue(setting, values));
    if (store.kind !== "embedded" && missingSdks !== undefined && missingSdks.length > 0) {
      shorts.push("embedded store (no Azure SDKs)");
      longs.push(
        `Store (${setting}): ${EMBEDDED.text}, not ${store.text}: the interpreter lacks ${missingSdks.join(", ")}`,
      );
    } else if (store.kind === "azurite") {
      // funcls run probes Azurite's ports at the first use and keeps to its embedded store when
      // nothing answers (selection.open_backend): the view says which once its own probe of the
      // same endpoints (azuriteEndpoints) answered, and nothing before (QA in code-server: "·
      // Azurite" with no Azurite running, the run then using the embedded store).
      const answers = azuriteAnswers(settingValue(setting, values));
      if (answers === true) {
        shorts.push("Azurite");
        longs.push(`Store (${setting}): ${store.text} (it answers)`);
      } else if (answers === false) {
        shorts.push("embedded store (Azurite not running)");
        longs.push(`Store (${setting}): ${EMBEDDED.text}, not ${store.text}: nothing answers at its endpoints`);
      } else {
        longs.push(`Store (${setting}): ${store.text}, or the embedded store while Azurite does not answer`);
      }
    } else {
      shorts.push(store.kind === "embedded" ? "embedded store" : "Azure Storage");
      const why = store.kind === "embedded" ? ` (${setting} is not set)` : "";
      longs.push(`Store (${setting}): ${store.text}${why}`);
    }
  }
  return { short: [...new Set(shorts)].join(", "), long: longs.join("\n") };
}
