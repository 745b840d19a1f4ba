"""Secrets through the language server (issue 17): hover, document symbols and completion
show settings of local.settings.json, and no credential-looking part of a value reaches the
client — an account key, a SAS signature, a password in a URL, a Redis password, a Postgres
URL and a setting named GITHUB_AUTH, each behind a connection name in function_app.py."""

from __future__ import annotations

import json
from pathlib import Path

from lsprotocol import types

from tests.lsp.support import CONFIG, RecordingClient, position, start, uri

SECRETS = {
    "AzureWebJobsStorage": (
        "QWNjb3VudEtleVNlY3JldEZvclRoZVRlc3QxMjM0NTY3ODkwYWJjZGVmZ2g=",
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={};"
        "EndpointSuffix=core.windows.net",
    ),
    "SasConn": (
        "SasSignatureSecret0123456789abcdef%3D",
        "BlobEndpoint=https://acct.blob.core.windows.net/;"
        "SharedAccessSignature=sv=2022-11-02&ss=b&srt=co&sp=rl&sig={}",
    ),
    "UrlConn": ("UrlPa55wordSecret", "http://alice:{}@storage.example.com:10000/acct"),
    "RedisConn": (
        "RedisPa55wordSecret",
        "cache.redis.cache.windows.net:6380,password={},ssl=True,abortConnect=False",
    ),
    "PgConn": ("PgPa55wordSecret", "postgresql://app:{}@db.example.com:5432/app"),
    "GITHUB_AUTH": ("plain-words-that-are-secret", "{}"),
}

APP = """import azure.functions as func

app = func.FunctionApp()
""" + "".join(
    f"""

@app.queue_trigger(arg_name="m", queue_name="q{i}", connection="{name}")
def f{i}(m: func.QueueMessage) -> None:
    pass
"""
    for i, name in enumerate(SECRETS)
)


def make_app(folder: Path) -> Path:
    app = folder / "app"
    app.mkdir(parents=True)
    (app / "host.json").write_text('{"version": "2.0"}')
    (app / "function_app.py").write_text(APP)
    values = {"FUNCTIONS_WORKER_RUNTIME": "python"}
    values.update({name: shape.format(secret) for name, (secret, shape) in SECRETS.items()})
    (app / "local.settings.json").write_text(json.dumps({"Values": values}, indent=2))
    return app


def leaks(text: str) -> list[str]:
    return [s for s, _ in SECRETS.values() if s in text or s.replace("%3D", "=") in text]


async def test_hover_symbols_and_completion_mask_every_secret(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    app = make_app(folder)
    script = app / "function_app.py"
    client = await CONFIG.start()
    assert isinstance(client, RecordingClient)
    await start(client, "visual-studio-code", folder)
    try:
        shown: list[str] = []
        for name in SECRETS:
            hover = await client.text_document_hover_async(
                types.HoverParams(
                    types.TextDocumentIdentifier(uri(script)),
                    position(script, f'connection="{name}"', len('connection="') + 1),
                )
            )
            assert hover is not None, name
            text = hover.contents.value  # type: ignore[union-attr]
            assert f"**App setting** `{name}`" in text, text
            assert "•" in text, text  # the secret part is shown masked, not dropped silently
            shown.append(text)
        settings = app / "local.settings.json"
        symbols = await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(types.TextDocumentIdentifier(uri(settings)))
        )
        shown.append(repr(symbols))
        at = position(script, 'connection="AzureWebJobsStorage"', len('connection="'))
        completion = await client.text_document_completion_async(
            types.CompletionParams(types.TextDocumentIdentifier(uri(script)), at)
        )
        items = completion.items if isinstance(completion, types.CompletionList) else completion
        assert items and any(i.label == "RedisConn" for i in items)
        shown.append(repr(items))
        everything = "\n".join(shown)
        assert "acct.blob.core.windows.net" in everything  # the rest of a value stays visible
        assert not leaks(everything), (leaks(everything), everything[:3000])
    finally:
        await client.shutdown_session()
        await client.stop()
