"""AZF412: host.json keys the host does not read, at the top level and under extensions.http."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funcls.checks.host_keys import COMMON, _known
from tests.checks.support import check, fixed_clean, only, text_at, v2

PING = (
    '@app.route(route="ping")\n'
    "def ping(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("pong")\n'
)
BUNDLE = {"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[4.*, 5.0.0)"}


def host(**keys: object) -> str:
    return json.dumps({"version": "2.0", **keys}, indent=2) + "\n"


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("extensionBundel", "extensionBundle"),
        ("fucntionTimeout", "functionTimeout"),
        ("watchDirectory", "watchDirectories"),
        ("helthMonitor", "healthMonitor"),
    ],
)
def test_a_misspelt_top_level_key_gets_did_you_mean_and_a_rename(
    tmp_path: Path, written: str, meant: str
) -> None:
    v2(tmp_path, PING, **{"host.json": host(**{written: "x"})})
    (f,) = only(check(tmp_path), "AZF412")
    assert f.message == (
        f'host.json has no setting "{written}" and the host ignores it; did you mean "{meant}"?'
    )
    assert text_at(f) == f'"{written}"'
    assert f.fixes[0].title == f'Rename to "{meant}"'
    fixed_clean(tmp_path, f)
    assert meant in json.loads((tmp_path / "host.json").read_text())


@pytest.mark.parametrize(
    ("section", "where"),
    [
        ("durableTask", "extensions.durableTask"),
        ("http", "extensions.http"),
        ("queues", "extensions.queues"),
        ("eventHub", "extensions.eventHubs"),
        ("applicationInsights", "logging.applicationInsights"),
    ],
)
def test_a_section_in_version_1s_place_is_reported(
    tmp_path: Path, section: str, where: str
) -> None:
    v2(tmp_path, PING, **{"host.json": host(**{section: {}})})
    (f,) = only(check(tmp_path), "AZF412")
    assert f.message == (
        f'host.json "{section}" at the top level is not read by the host; version 2.0 reads '
        f'it as "{where}": move it there'
    )
    assert text_at(f) == f'"{section}"'


def test_extensions_http_is_closed(tmp_path: Path) -> None:
    v2(
        tmp_path,
        PING,
        **{"host.json": host(extensions={"http": {"routPrefix": "", "cors": True}})},
    )
    misspelt, unknown = only(check(tmp_path), "AZF412")
    assert misspelt.message == (
        'extensions.http in host.json has no setting "routPrefix" and the host ignores it; '
        'did you mean "routePrefix"?'
    )
    assert unknown.message == (
        'extensions.http in host.json has no setting "cors" and the host ignores it; it reads '
        '"routePrefix", "maxOutstandingRequests", "maxConcurrentRequests", '
        '"dynamicThrottlesEnabled", "chunkedTransferEnabled", "hsts", "customHeaders"'
    )
    assert not unknown.fixes
    fixed_clean(tmp_path, misspelt)
    http = json.loads((tmp_path / "host.json").read_text())["extensions"]["http"]
    assert http == {"routePrefix": "", "cors": True}


@pytest.mark.parametrize(
    "text",
    [
        # Known keys in any case (the host's configuration ignores case), the host's own
        # names and an extension section the schema does not describe.
        host(
            ExtensionBundle=BUNDLE,
            FUNCTIONTIMEOUT="00:05:00",
            httpWorker={},
            telemetryMode="OpenTelemetry",
            extensions={"signalRService": {}, "HTTP": {"RoutePrefix": "", "hsts": {}}},
        ),
        # Keys far from every known one stay quiet at the top level.
        host(_comment="notes", isDefaultHostConfig=True, swagger={}),
        # Notes in extensions.http (corpus, eleventh round: an "//" member saying why the
        # routePrefix is empty).
        host(
            extensions={
                "http": {
                    "//": "routes are written in full",
                    "_comment": "x",
                    "$comment": "y",
                    "# note": "z",
                    "routePrefix": "",
                }
            }
        ),
        # Not a version 2.0 file: version 1 read other keys (AZF404 speaks for it).
        json.dumps({"http": {"routePrefix": ""}, "fucntionTimeout": "00:05:00"}),
        json.dumps({"version": "1.0", "queues": {}}),
    ],
)
def test_quiet(tmp_path: Path, text: str) -> None:
    v2(tmp_path, PING, **{"host.json": text})
    assert only(check(tmp_path), "AZF412") == []


def test_the_common_keys_are_the_schemas() -> None:
    root, _, _ = _known()
    assert root.keys() >= COMMON
