#!/usr/bin/env bash
# Installs what tests/clients/test_vscode.py drives: code-server (VS Code in a browser), headless
# Chromium and playwright-core, following /work/shared/REAL-CLIENTS.md. Idempotent: when the
# tools folder already holds a working install of these versions it returns at once.
#
#   tests/clients/vscode/setup.sh            # installs into ${FUNCLS_TOOLS:-~/.cache/funcls-tools}
#   FUNCLS_TOOLS=/opt/funcls-tools tests/clients/vscode/setup.sh
#
# The tools live outside the repository's node_modules: code-server is ~330 MB with native
# modules built from source, which `npm ci` must not delete and rebuild on every run.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3 # the last release for Node 20
PLAYWRIGHT_CORE_VERSION=1.65.1
RIPGREP_CACHE=vscode-ripgrep-cache-1.15.11 # what @vscode/ripgrep 1.15.11 (in code-server) looks for
RIPGREP_TARBALL=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
APT_PACKAGES=(chromium libkrb5-dev ripgrep)

TOOLS=${FUNCLS_TOOLS:-$HOME/.cache/funcls-tools}
[ -n "$TOOLS" ] && [ "$TOOLS" != / ] || { echo "error: no tools folder (set FUNCLS_TOOLS or HOME)" >&2; exit 1; }
TOOLS=$(mkdir -p "$TOOLS" && cd "$TOOLS" && pwd)
STAMP="$TOOLS/installed.txt"
WANT="code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_CORE_VERSION node@$(node -p 'process.versions.node.split(".")[0]')"
VSCODE="$TOOLS/node_modules/code-server/lib/vscode"

# Native modules code-server needs at run time; an install that skipped their build scripts
# starts but fails later (terminal, file watching, logging), so check the built files.
NATIVE_FILES=(
  "$VSCODE/node_modules/node-pty/build/Release/pty.node"
  "$VSCODE/node_modules/@vscode/spdlog/build/Release/spdlog.node"
  "$VSCODE/node_modules/@parcel/watcher-linux-x64-glibc/watcher.node"
  "$VSCODE/node_modules/native-watchdog/build/Release/watchdog.node"
  "$VSCODE/node_modules/kerberos/build/Release/kerberos.node"
  "$VSCODE/node_modules/@vscode/ripgrep/bin/rg"
)

code_server_version() { # without writing a config.yaml into ~/.config
  XDG_CONFIG_HOME="$TOOLS/tmp" XDG_DATA_HOME="$TOOLS/tmp" "$TOOLS/node_modules/.bin/code-server" --version
}

installed() {
  [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] || return 1
  local f
  for f in "${NATIVE_FILES[@]}"; do
    [ -e "$f" ] || return 1
  done
  [ -f "$TOOLS/node_modules/playwright-core/package.json" ] || return 1
  code_server_version >/dev/null 2>&1
}

# -- system packages (Debian) ------------------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "error: missing system packages: ${missing[*]} (apt-get install them as root)" >&2
    exit 1
  fi
fi

if installed; then
  echo "== VS Code test tools: up to date in $TOOLS ($WANT)"
  exit 0
fi

# -- npm packages --------------------------------------------------------------------------------
echo "== VS Code test tools: installing $WANT into $TOOLS"
started=$(date +%s)
mkdir -p "$TOOLS/tmp"
rm -f "$STAMP"

# @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache already holds the
# release tarball; Debian's rg (13.0.0, as that release) stands in for it.
mkdir -p "$TOOLS/tmp/$RIPGREP_CACHE"
if [ ! -s "$TOOLS/tmp/$RIPGREP_CACHE/$RIPGREP_TARBALL" ]; then
  tar czf "$TOOLS/tmp/$RIPGREP_CACHE/$RIPGREP_TARBALL" -C /usr/bin rg
fi

# Install scripts: npm 11 documents dependency install scripts as blocked unless the project's
# allowScripts approves them, and refuses --allow-scripts / npm_config_allow_scripts in project
# installs; 11.19 still runs unapproved ones with a warning, a later release may skip them.
# code-server's postinstall runs `npm install` again inside lib/vscode (node-pty, spdlog, the
# file watcher, kerberos, ...) and lib/vscode/extensions, whose package.json has no policy. So
# the policy is explicit: fetch everything without scripts, write allowScripts into those
# package.json files, then run the scripts with `npm rebuild`. strict-allow-scripts (the nested
# installs inherit it through the environment) fails the install when a script is neither
# approved nor denied, so no native module is silently left unbuilt.
cat >"$TOOLS/package.json" <<EOF
{
  "name": "funcls-vscode-test-tools",
  "private": true,
  "description": "code-server and playwright-core for tests/clients/test_vscode.py (written by setup.sh)",
  "dependencies": {
    "code-server": "$CODE_SERVER_VERSION",
    "playwright-core": "$PLAYWRIGHT_CORE_VERSION"
  },
  "allowScripts": { "code-server": true, "argon2": true }
}
EOF

allow_scripts() { # package.json, then the packages whose install scripts run (!name: never)
  node -e '
    const fs = require("fs");
    const [file, ...names] = process.argv.slice(1);
    const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
    pkg.allowScripts = Object.fromEntries(
      names.map((n) => (n.startsWith("!") ? [n.slice(1), false] : [n, true])),
    );
    fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
  ' "$@"
}

install_tools() { # chained with &&: `set -e` does not apply inside `if !`
  cd "$TOOLS" &&
    npm --prefix "$TOOLS" install --ignore-scripts --no-audit --no-fund --no-package-lock &&
    allow_scripts "$VSCODE/package.json" node-pty @vscode/spdlog @parcel/watcher native-watchdog \
      kerberos @vscode/deviceid @vscode/ripgrep \
      '!@vscode/windows-process-tree' '!@vscode/windows-registry' '!@vscode/windows-ca-certs' &&
    allow_scripts "$VSCODE/extensions/package.json" "!esbuild" "!@parcel/watcher" &&
    npm --prefix "$TOOLS" rebuild --foreground-scripts --no-audit --no-fund
}

# TMPDIR: where @vscode/ripgrep looks for its cache. code-server's postinstall refuses to run
# as root without npm_config_unsafe_perm=true. Denied: the Windows-only modules, and the dev
# tools of lib/vscode/extensions (esbuild, the watcher), which install with --omit=dev.
if ! (
  export TMPDIR="$TOOLS/tmp" npm_config_strict_allow_scripts=true
  export npm_config_yes=true npm_config_unsafe_perm=true
  install_tools
) >"$TOOLS/install.log" 2>&1; then
  echo "error: the install failed; the last lines of $TOOLS/install.log:" >&2
  tail -n 40 "$TOOLS/install.log" >&2
  exit 1
fi

for f in "${NATIVE_FILES[@]}"; do
  if [ ! -e "$f" ]; then
    echo "error: the install did not build $f; see $TOOLS/install.log" >&2
    exit 1
  fi
done
code_server_version >/dev/null
echo "$WANT" >"$STAMP"
echo "== VS Code test tools: installed in $(($(date +%s) - started)) s"
