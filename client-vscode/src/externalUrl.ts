// Opening a URL of the local runner (http://127.0.0.1:7071/api/…) in the user's browser.
//
// VS Code maps a localhost URL to one the browser can reach (vscode.env.asExternalUri: the
// same URL on the desktop, a forwarded port over Remote, code-server's /proxy/<port>/).
// code-server's mapping replaces the whole URL by its proxy address and drops the path and
// query (coder/code-server issue 7668: http://127.0.0.1:7071/api/products/1 opened
// /proxy/7071/), so the Functions view's "Open in browser" showed the runner's root instead
// of the function. The extension therefore maps only the origin and puts the path, query and
// fragment back itself.

/** The URL's origin alone (`http://127.0.0.1:7071/`), the part VS Code maps; undefined for a
 * URL that is not http(s). */
export function originOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return undefined;
  }
  return `${parsed.origin}/`;
}

/** `url` at the address VS Code mapped its origin to: the mapped address's path (e.g.
 * `/proxy/7071/`) followed by the URL's own path, query and fragment. When the origin maps
 * to itself, the URL unchanged. */
export function atMappedOrigin(url: string, mappedOrigin: string): string {
  const original = new URL(url);
  const mapped = new URL(mappedOrigin);
  if (mapped.href === `${original.origin}/`) {
    return url;
  }
  const base = mapped.pathname.endsWith("/") ? mapped.pathname.slice(0, -1) : mapped.pathname;
  mapped.pathname = base + original.pathname;
  mapped.search = original.search;
  mapped.hash = original.hash;
  return mapped.href;
}
