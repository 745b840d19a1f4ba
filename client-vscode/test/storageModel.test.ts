import { strict as assert } from "node:assert";
import { test } from "node:test";

import { functionDescription, functionTooltip, type FunctionView } from "../src/functionsModel";
import {
  azuriteEndpoints,
  describeStore,
  functionStore,
  needingSdks,
  readLocalValues,
  settingValue,
  storageFallbackMessage,
  storageUses,
} from "../src/storageModel";

test("a connection string leads where the runner takes it", () => {
  assert.equal(describeStore(undefined).kind, "embedded");
  assert.equal(describeStore("  ").kind, "embedded");
  assert.deepEqual(describeStore("UseDevelopmentStorage=true"), { kind: "azurite", text: "Azurite" });
  assert.equal(
    describeStore("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=k;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;").kind,
    "azurite",
  );
  assert.deepEqual(describeStore("DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=secret;EndpointSuffix=core.windows.net"), {
    kind: "azure",
    text: "the Azure Storage account 'acme'",
  });
  // No secret is ever shown.
  assert.ok(!describeStore("AccountName=acme;AccountKey=secret").text.includes("secret"));
});

test("settings are read from local.settings.json's Values by the host's rules", () => {
  const values = readLocalValues('{"IsEncrypted": false, "Values": {"azurewebjobsstorage": "UseDevelopmentStorage=true", "AzureWebJobsOther": "x", "N": 3}}');
  assert.equal(settingValue("AzureWebJobsStorage", values), "UseDevelopmentStorage=true");
  assert.equal(settingValue("Other", values), "x"); // AzureWebJobs<name>
  assert.equal(settingValue("N", values), undefined); // not a string
  assert.deepEqual(readLocalValues("{ not json"), {});
  assert.deepEqual(readLocalValues(undefined), {});
  assert.deepEqual(readLocalValues('{"Values": [1]}'), {});
});

const values = { AzureWebJobsStorage: "UseDevelopmentStorage=true" };
const functions = [
  { name: "process_order", storage: ["AzureWebJobsStorage"] },
  { name: "create_order", storage: ["azurewebjobsstorage"] },
  { name: "archive", storage: ["ArchiveStorage"] }, // not set: the embedded store, no SDKs needed
  { name: "hello", storage: [] },
  { name: "old_server" }, // an entry without the field
];

test("the app's storage uses: by setting, with their functions; only Azurite/Azure need the SDKs", () => {
  const uses = storageUses(functions, values);
  assert.deepEqual(
    uses.map((u) => [u.setting, u.store.kind, u.functions]),
    [
      ["AzureWebJobsStorage", "azurite", ["process_order", "create_order"]],
      ["ArchiveStorage", "embedded", ["archive"]],
    ],
  );
  assert.deepEqual(needingSdks(uses).map((u) => u.setting), ["AzureWebJobsStorage"]);
  assert.deepEqual(needingSdks(storageUses(functions, {})), []); // nothing configured: nothing to warn of
});

test("the fallback warning names the functions, the store, the setting, the interpreter, the packages and the fix", () => {
  const message = storageFallbackMessage("python3 (/usr/bin/python3.11)", ["azure-storage-queue", "azure-storage-blob"], storageUses(functions, values));
  assert.equal(
    message,
    "funcls run will keep the queues and blobs of process_order, create_order in the embedded store (.funcls/storage/), " +
      "not in Azurite (AzureWebJobsStorage): python3 (/usr/bin/python3.11) lacks azure-storage-queue, azure-storage-blob, " +
      "which the runner reaches them with. To use them, install those packages into it and restart the app, or select another interpreter.",
  );
});

test("the Functions view says which store a queue/blob function uses", () => {
  const fn: FunctionView = {
    name: "process_order",
    model: "v2",
    trigger: "queueTrigger",
    kind: "queue",
    detail: "orders",
    methods: null,
    route: null,
    urlPath: null,
    url: null,
    answersGet: false,
    location: null,
    config: null,
    runnable: true,
    whyNotRunnable: null,
    storage: ["AzureWebJobsStorage"],
    errors: 0,
    warnings: 1,
  };
  // SDKs not checked yet, or there, and Azurite not probed yet: nothing said of the store in
  // the description (QA: "· Azurite" while the run would use the embedded store).
  const unknown = functionStore(fn.storage, values, undefined);
  assert.deepEqual(unknown, {
    short: "",
    long: "Store (AzureWebJobsStorage): Azurite, or the embedded store while Azurite does not answer",
  });
  assert.deepEqual(functionStore(fn.storage, values, []), unknown);
  assert.equal(functionDescription(fn, unknown), "orders · 1 warning");
  // Azurite answers at the setting's endpoints: Azurite.
  const seen: (string | undefined)[] = [];
  const azurite = functionStore(fn.storage, values, [], (value) => (seen.push(value), true));
  assert.deepEqual(seen, ["UseDevelopmentStorage=true"]);
  assert.deepEqual(azurite, { short: "Azurite", long: "Store (AzureWebJobsStorage): Azurite (it answers)" });
  assert.equal(functionDescription(fn, azurite), "orders · Azurite · 1 warning");
  // Nothing answers there: the embedded store the run will use.
  const down = functionStore(fn.storage, values, [], () => false);
  assert.equal(functionDescription(fn, down), "orders · embedded store (Azurite not running) · 1 warning");
  assert.equal(
    down?.long,
    "Store (AzureWebJobsStorage): the embedded store (.funcls/storage/), not Azurite: nothing answers at its endpoints",
  );
  // The interpreter lacks the SDKs: the embedded store, and why.
  const fallback = functionStore(fn.storage, values, ["azure-storage-queue"]);
  assert.equal(fallback?.short, "embedded store (no Azure SDKs)");
  assert.equal(
    fallback?.long,
    "Store (AzureWebJobsStorage): the embedded store (.funcls/storage/), not Azurite: the interpreter lacks azure-storage-queue",
  );
  assert.match(functionTooltip(fn, fallback), /\nStore \(AzureWebJobsStorage\): the embedded store/);
  // No setting: the embedded store, saying the setting is not set.
  assert.deepEqual(functionStore(fn.storage, {}, undefined), {
    short: "embedded store",
    long: "Store (AzureWebJobsStorage): the embedded store (.funcls/storage/) (AzureWebJobsStorage is not set)",
  });
  // Not a storage function: nothing said, the description as before.
  assert.equal(functionStore([], values, undefined), undefined);
  assert.equal(functionDescription({ ...fn, storage: [] }), "orders · 1 warning");
});

test("a trigger detail's %SETTING% is shown resolved from local.settings.json, a missing one marked", async () => {
  const { resolvedDetail } = await import("../src/functionsModel");
  assert.equal(resolvedDetail("%PAYMENTS_QUEUE%", { payments_queue: "payments" }), "payments (from %PAYMENTS_QUEUE%)");
  assert.equal(
    resolvedDetail("%TOPIC% / %SUB%", { TOPIC: "orders", SUB: "audit" }),
    "orders / audit (from %TOPIC% / %SUB%)",
  );
  assert.equal(
    resolvedDetail("%TOPIC% / %SUB%", { TOPIC: "orders" }),
    "%TOPIC% / %SUB% (⚠ SUB not set in local.settings.json)",
  );
  assert.equal(resolvedDetail("%Q%", { Q: "" }), "%Q% (⚠ Q not set in local.settings.json)");
  assert.equal(resolvedDetail("orders", { orders: "x" }), "orders"); // no reference: as written
  assert.equal(resolvedDetail("50% off", {}), "50% off");
  assert.equal(resolvedDetail("%Q%", undefined), "%Q%"); // values not known: as written
});

test("Azurite's endpoints, which the runner probes before it uses Azurite", () => {
  // QA in code-server: a new app (UseDevelopmentStorage=true) with queue and blob functions and
  // no Azurite running warned that the app's .venv lacked the Azure SDKs "to use Azurite";
  // with them the runner would still find Azurite down and use its embedded store.
  assert.deepEqual(azuriteEndpoints("UseDevelopmentStorage=true"), [
    { host: "127.0.0.1", port: 10001 },
    { host: "127.0.0.1", port: 10000 },
  ]);
  assert.deepEqual(azuriteEndpoints("UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://[::1]"), [
    { host: "::1", port: 10001 },
    { host: "::1", port: 10000 },
  ]);
  const explicit =
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=k;BlobEndpoint=http://127.0.0.1:41000/devstoreaccount1;QueueEndpoint=http://localhost:41001/devstoreaccount1";
  assert.deepEqual(azuriteEndpoints(explicit), [
    { host: "localhost", port: 41001 },
    { host: "127.0.0.1", port: 41000 },
  ]);
  assert.deepEqual(azuriteEndpoints("DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=k"), []); // Azure: not probed
  assert.deepEqual(azuriteEndpoints(undefined), []);
});
