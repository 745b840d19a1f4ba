import { strict as assert } from "node:assert";
import { test } from "node:test";

import { atMappedOrigin, originOf } from "../src/externalUrl";

const URL_OF_FUNCTION = "http://127.0.0.1:7071/api/products/1?verbose=1#top";

test("only the origin of an http(s) URL is mapped", () => {
  assert.equal(originOf(URL_OF_FUNCTION), "http://127.0.0.1:7071/");
  assert.equal(originOf("https://localhost:7443/api/x"), "https://localhost:7443/");
  assert.equal(originOf("file:///tmp/result.txt"), undefined);
  assert.equal(originOf("not a url"), undefined);
});

test("code-server's path proxy keeps the function's path, query and fragment", () => {
  assert.equal(
    atMappedOrigin(URL_OF_FUNCTION, "http://127.0.0.1:8080/proxy/7071/"),
    "http://127.0.0.1:8080/proxy/7071/api/products/1?verbose=1#top",
  );
  // code-server behind a path of its own (a reverse proxy at /ide/).
  assert.equal(
    atMappedOrigin("http://localhost:7071/api/orders", "https://dev.example.com/ide/proxy/7071/"),
    "https://dev.example.com/ide/proxy/7071/api/orders",
  );
});

test("a forwarded port or a proxy domain keeps the path too", () => {
  assert.equal(
    atMappedOrigin(URL_OF_FUNCTION, "http://localhost:54321/"),
    "http://localhost:54321/api/products/1?verbose=1#top",
  );
  assert.equal(
    atMappedOrigin("http://127.0.0.1:7071/api/{x}", "https://7071-dev.example.com/"),
    "https://7071-dev.example.com/api/%7Bx%7D",
  );
});

test("an origin that maps to itself leaves the URL as it was", () => {
  assert.equal(atMappedOrigin(URL_OF_FUNCTION, "http://127.0.0.1:7071/"), URL_OF_FUNCTION);
});
