import pytest

from funcls.model.parsers.blob_paths import BlobPathError, BlobPathErrorKind, parse_blob_path


@pytest.mark.parametrize(
    ("pattern", "blob", "captures"),
    [
        ("samples/{name}", "samples/original-Bob_Smith.png", {"name": "original-Bob_Smith.png"}),
        ("samples/{name}", "samples/folder/a.txt", {"name": "folder/a.txt"}),
        (
            "input/{blobname}.{blobextension}",
            "input/original-Bob_Smith.png",
            {"blobname": "original-Bob_Smith", "blobextension": "png"},
        ),
        ("input/{a}.{b}", "input/x.y.z", {"a": "x.y", "b": "z"}),  # greedy, like (?<a>.*)
        ("input/{{20140101}}-{name}", "input/{20140101}-soundfile.mp3", {"name": "soundfile.mp3"}),
        (
            "c/{date}-{filetype}.csv",
            "c/2024-01-report.csv",
            {"date": "2024-01", "filetype": "report"},
        ),
        ("c/{name}.txt", "c/.txt", {"name": ""}),  # a capture may be empty
        ("c/{name}/{name}", "c/a/b", {"name": "b"}),  # a repeated name keeps the last capture
        ("c/fixed.txt", "c/fixed.txt", {}),
        ("samples", "samples/any/blob.bin", {}),
    ],
)
def test_blob_trigger_paths_match(pattern: str, blob: str, captures: dict[str, str]) -> None:
    assert parse_blob_path(pattern).match(blob) == captures


@pytest.mark.parametrize(
    ("pattern", "blob"),
    [
        ("samples/{name}", "other/a.png"),
        ("samples/{name}.png", "samples/a.PNG"),  # literals are case-sensitive
        ("c/fixed.txt", "c/fixed.txt.bak"),
        ("samples", "samplesx/a"),
        ("samples", "samples/"),
        ("c/{name}.csv", "c/a.csv\nx"),
    ],
)
def test_blob_trigger_paths_do_not_match(pattern: str, blob: str) -> None:
    assert parse_blob_path(pattern).match(blob) is None


def test_blob_path_parts_and_names() -> None:
    path = parse_blob_path("samples/{name}.{ext}/{Name}")
    assert (path.container, path.blob) == ("samples", "{name}.{ext}/{Name}")
    assert path.container_span == (0, 7)
    assert path.blob_span == (8, 27)
    assert path.parameter_names == ("name", "ext")
    whole = parse_blob_path("samples")
    assert (whole.blob, whole.blob_span, whole.parameter_names) == ("", (7, 7), ())


@pytest.mark.parametrize(
    ("pattern", "kind", "span", "message"),
    [
        ("", BlobPathErrorKind.FORMAT, (0, 0), None),
        (
            "/x",
            BlobPathErrorKind.FORMAT,
            (0, 1),
            "blob path '/x' must be 'container/blob-pattern' (or just 'container' for a trigger "
            "that watches a whole container)",
        ),
        ("c/", BlobPathErrorKind.FORMAT, (1, 2), None),
        (
            "{x}/y",
            BlobPathErrorKind.CONTAINER_EXPRESSION,
            (0, 1),
            "the container part of a blob trigger path cannot contain a {…} expression; the host "
            "only captures names from the blob part (use %Setting% to configure the container)",
        ),
        ("c\\d/x", BlobPathErrorKind.FORMAT, (1, 2), None),
        (
            "c/{data.x}",
            BlobPathErrorKind.CAPTURE,
            (2, 10),
            "'{data.x}' cannot be used in a blob trigger path: a dotted name cannot be captured; "
            "use a plain name such as {name}",
        ),
        ("c/{rand-guid}", BlobPathErrorKind.CAPTURE, (2, 13), None),
        ("c/{sys.UtcNow}", BlobPathErrorKind.CAPTURE, (2, 14), None),
        (
            "c/{a:fmt}",
            BlobPathErrorKind.CAPTURE,
            (2, 9),
            "'{a:fmt}' cannot be used in a blob trigger path: a :format cannot be applied to a "
            "captured name; use a plain name such as {name}",
        ),
        ("c/{name", BlobPathErrorKind.EXPRESSION, (2, 3), None),
    ],
)
def test_blob_trigger_path_errors(
    pattern: str, kind: BlobPathErrorKind, span: tuple[int, int], message: str | None
) -> None:
    with pytest.raises(BlobPathError) as caught:
        parse_blob_path(pattern)
    assert caught.value.kind is kind
    assert (caught.value.start, caught.value.end) == span
    if message is not None:
        assert caught.value.message == message


def test_binding_paths_allow_expressions_in_the_container() -> None:
    path = parse_blob_path("{container}/{DateTime}-{rand-guid}.txt", for_trigger=False)
    assert path.container == "{container}"
    with pytest.raises(BlobPathError) as caught:
        parse_blob_path("just-a-container", for_trigger=False)
    assert (
        caught.value.message
        == "blob path 'just-a-container' names no blob; write 'container/blob-name'"
    )


def test_setting_references_must_be_resolved_before_matching() -> None:
    path = parse_blob_path("%Container%/{name}")
    with pytest.raises(ValueError, match="resolve the app settings"):
        path.match("c/x")
