import pytest

from funcls.model.parsers.storage_names import (
    NameProblem,
    check_blob_name,
    check_container_name,
    check_queue_name,
    check_table_name,
)


@pytest.mark.parametrize(
    "name",
    [
        "orders",
        "abc",
        "a" * 63,
        "orders-v2",
        "0abc",
        "items-{id}",
        "%QueueName%",
        "{a}{b}",
        "{x}-{y}",
        "out-{DateTime:yyyy}",
    ],
)
def test_valid_queue_names(name: str) -> None:
    assert check_queue_name(name) == []


QUEUE_PROBLEMS = [
    (
        "My-Queue",
        NameProblem(
            "queue name 'My-Queue' has an uppercase 'M'; queue names are lowercase: 'my-queue'",
            0,
            1,
            "uppercase",
        ),
    ),
    (
        "Orders-{ID}",
        NameProblem(
            "queue name 'Orders-{ID}' has an uppercase 'O'; queue names are lowercase: "
            "'orders-{ID}'",
            0,
            1,
            "uppercase",
        ),
    ),
    (
        "orders_v2",
        NameProblem(
            "queue name 'orders_v2' contains '_'; use only lowercase letters, digits and '-'",
            6,
            7,
            "character",
        ),
    ),
    (
        "my queue",
        NameProblem(
            "queue name 'my queue' contains a space; use only lowercase letters, digits and '-'",
            2,
            3,
            "character",
        ),
    ),
    (
        "-abc",
        NameProblem(
            "queue name '-abc' starts with '-'; it must start with a lowercase letter or a digit",
            0,
            1,
            "start",
        ),
    ),
    (
        "abc-",
        NameProblem(
            "queue name 'abc-' ends with '-'; it must end with a letter or a digit", 3, 4, "end"
        ),
    ),
    (
        "{x}-",
        NameProblem(
            "queue name '{x}-' ends with '-'; it must end with a letter or a digit", 3, 4, "end"
        ),
    ),
    (
        "a--b",
        NameProblem("queue name 'a--b' has '--'; dashes cannot be consecutive", 1, 3, "dashes"),
    ),
    (
        "{x}--{y}",
        NameProblem("queue name '{x}--{y}' has '--'; dashes cannot be consecutive", 3, 5, "dashes"),
    ),
    (
        "ab",
        NameProblem(
            "queue name 'ab' is 2 characters long; queue names have 3 to 63", 0, 2, "length"
        ),
    ),
    (
        "a" * 64,
        NameProblem(
            f"queue name '{'a' * 64}' is 64 characters long; queue names have 3 to 63",
            0,
            64,
            "length",
        ),
    ),
    (
        "{id}" + "a" * 64,
        NameProblem(
            f"queue name '{{id}}{'a' * 64}' is 64 characters long; queue names have 3 to 63",
            0,
            68,
            "length",
        ),
    ),
]


@pytest.mark.parametrize(("name", "problem"), QUEUE_PROBLEMS)
def test_queue_name_problems(name: str, problem: NameProblem) -> None:
    assert check_queue_name(name) == [problem]


def test_a_short_name_with_an_expression_is_not_checked_for_length() -> None:
    assert check_queue_name("q{n}") == []


def test_several_problems_are_reported_once_each() -> None:
    kinds = [p.kind for p in check_queue_name("-A--")]
    assert kinds == ["uppercase", "start", "end", "dashes"]


@pytest.mark.parametrize("name", ["$root", "$web", "$logs", "samples-workitems", "{container}"])
def test_valid_container_names(name: str) -> None:
    assert check_container_name(name) == []


@pytest.mark.parametrize(
    ("name", "kind", "span"),
    [
        ("$foo", "character", (0, 1)),
        ("Samples", "uppercase", (0, 1)),
        ("samples.items", "character", (7, 8)),
        ("x", "length", (0, 1)),
        ("a--b", "dashes", (1, 3)),
    ],
)
def test_container_name_problems(name: str, kind: str, span: tuple[int, int]) -> None:
    (problem,) = check_container_name(name)
    assert (problem.kind, (problem.start, problem.end)) == (kind, span)
    assert not problem.warning


def test_system_container_message() -> None:
    assert check_container_name("$foo")[0].message == (
        "container name '$foo' starts with '$', which only the system containers $root, $web, "
        "$logs may do"
    )


@pytest.mark.parametrize("name", ["Orders", "orders2024", "ABC", "Orders{id}", "%Table%"])
def test_valid_table_names(name: str) -> None:
    assert check_table_name(name) == []


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        (
            "tables",
            NameProblem("'tables' is a reserved table name; choose another", 0, 6, "reserved"),
        ),
        (
            "Tables",
            NameProblem("'tables' is a reserved table name; choose another", 0, 6, "reserved"),
        ),
        (
            "1orders",
            NameProblem(
                "table name '1orders' starts with '1'; it must start with a letter", 0, 1, "start"
            ),
        ),
        (
            "my_table",
            NameProblem(
                "table name 'my_table' contains '_'; use only letters and digits", 2, 3, "character"
            ),
        ),
        (
            "my-table",
            NameProblem(
                "table name 'my-table' contains '-'; use only letters and digits", 2, 3, "character"
            ),
        ),
        (
            "ab",
            NameProblem(
                "table name 'ab' is 2 characters long; table names have 3 to 63", 0, 2, "length"
            ),
        ),
    ],
)
def test_table_name_problems(name: str, problem: NameProblem) -> None:
    assert check_table_name(name) == [problem]


@pytest.mark.parametrize(
    "name",
    [
        "a",
        "Folder/Sub Folder/file (1).txt",
        "{name}.txt",
        "x/{DateTime}/{rand-guid}.json",
        "日本語.txt",
    ],
)
def test_valid_blob_names(name: str) -> None:
    assert check_blob_name(name) == []


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", NameProblem("a blob name cannot be empty", 0, 0, "length")),
        (
            "a\x01b",
            NameProblem(
                "blob name 'a\x01b' contains the control character U+0001, which blob names cannot "
                "hold",
                1,
                2,
                "character",
            ),
        ),
        (
            "a\x85b",
            NameProblem(
                "blob name 'a\x85b' contains the control character U+0085, which blob names cannot "
                "hold",
                1,
                2,
                "character",
            ),
        ),
        (
            "a" * 1025,
            NameProblem(
                f"blob name '{'a' * 1025}' is 1025 characters long; blob names have at most 1024",
                0,
                1025,
                "length",
            ),
        ),
        (
            "/".join(["a"] * 255),
            NameProblem(
                f"blob name '{'/'.join(['a'] * 255)}' has 255 path segments; the most is 254",
                0,
                509,
                "segments",
            ),
        ),
        (
            "dir/file.",
            NameProblem(
                "blob name 'dir/file.' ends with '.'; blob names ending in '.' or '/' are hard to "
                "address (URLs drop or merge them)",
                8,
                9,
                "end",
                warning=True,
            ),
        ),
        (
            "{name}/",
            NameProblem(
                "blob name '{name}/' ends with '/'; blob names ending in '.' or '/' are hard to "
                "address (URLs drop or merge them)",
                6,
                7,
                "end",
                warning=True,
            ),
        ),
    ],
)
def test_blob_name_problems(name: str, problem: NameProblem) -> None:
    assert check_blob_name(name) == [problem]


@pytest.mark.parametrize(
    "check", [check_queue_name, check_container_name, check_table_name, check_blob_name]
)
def test_broken_expressions_are_left_to_the_expression_checks(check: object) -> None:
    assert callable(check)
    assert check("Bad{name") == []
