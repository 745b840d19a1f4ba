#!/usr/bin/env node
// Fills bundled/libs with everything `python -m funcls --stdio` imports, so the .vsix needs no
// `pip install funcls`: the layout of microsoft/vscode-python-tools-extension-template
// (`bundled/libs` installed with `pip install --target`, put on sys.path when the server starts).
//
// * The dependencies come from bundled/requirements.txt as pure-Python wheels only
//   (`--only-binary=:all: --platform any --implementation py --abi none`): pip refuses a package
//   that has no py3-none-any wheel, so a native dependency cannot slip in.
// * funcls itself is pure Python and is copied from the repository (its package data, the JSON
//   catalogue and schemas, lives inside the package folder).
// * jedi's third-party stubs (typeshed/stubs: requests, six, ... ~4,300 files) are left out:
//   funcls asks jedi about the app's own modules and the standard library (typeshed/stdlib,
//   kept), and jedi skips a missing stubs folder (jedi/inference/gradual/typeshed.py). Packing
//   them made `vsce package` take minutes.
// * Finally every file is checked: a compiled extension module fails the build.
//
// Python: $FUNCLS_BUILD_PYTHON, else python3 (any 3.10+ with pip; it only downloads wheels).

"use strict";

const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const EXTENSION = path.resolve(__dirname, "..");
const REPO = path.resolve(EXTENSION, "..");
const LIBS = path.join(EXTENSION, "bundled", "libs");
const REQUIREMENTS = path.join(EXTENSION, "bundled", "requirements.txt");
const NATIVE = /\.(so|pyd|dylib|dll)$|\.so\./;
const SKIP = new Set(["__pycache__"]);

function fail(message) {
  console.error(`bundle-libs: ${message}`);
  process.exit(1);
}

function copyTree(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.endsWith(".pyc")) {
      continue;
    }
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) {
      copyTree(src, dst);
    } else if (entry.isFile()) {
      fs.copyFileSync(src, dst);
    }
  }
}

function nativeFiles(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...nativeFiles(p));
    } else if (NATIVE.test(entry.name)) {
      found.push(path.relative(LIBS, p));
    }
  }
  return found;
}

function main() {
  const python = process.env.FUNCLS_BUILD_PYTHON || "python3";
  fs.rmSync(LIBS, { recursive: true, force: true });
  const pip = [
    "-m", "pip", "install",
    "--disable-pip-version-check", "--quiet", "--no-compile", "--no-deps",
    "--only-binary=:all:", "--platform", "any", "--implementation", "py", "--abi", "none",
    "--python-version", "3.10",
    "--target", LIBS,
    "-r", REQUIREMENTS,
  ];
  console.log(`bundle-libs: ${python} ${pip.join(" ")}`);
  const done = spawnSync(python, pip, { stdio: "inherit" });
  if (done.error) {
    fail(`could not run ${python} (${done.error.message}); set FUNCLS_BUILD_PYTHON to a Python 3.10+ with pip`);
  }
  if (done.status !== 0) {
    fail(`pip exited with ${done.status}; see its output above`);
  }
  fs.rmSync(path.join(LIBS, "jedi", "third_party", "typeshed", "stubs"), { recursive: true, force: true });
  copyTree(path.join(REPO, "funcls"), path.join(LIBS, "funcls"));
  const native = nativeFiles(LIBS);
  if (native.length > 0) {
    fail(`compiled modules in bundled/libs (the server must run on any platform): ${native.join(", ")}`);
  }
  console.log(`bundle-libs: ${LIBS} holds ${fs.readdirSync(LIBS).length} entries, no compiled modules`);
}

main();
