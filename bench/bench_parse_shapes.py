"""Which Python inputs make parsing or funcls' analysis grow faster than their size (issue 17).

    python bench/bench_parse_shapes.py [--shapes NAME …] [--repeat 3] [--timeout 60] [--gc-off]
                                       [--json]

Each shape is a generator of function_app.py text with a size parameter ``n`` (operands of a
chain, decorators on one def, entries of a dict, lines of an elif chain, …). For sizes
n, 2n, 4n and 8n the script times, in a child process (so a hang is a timeout, not a stuck
benchmark), the best of ``--repeat`` runs of:

* ``parse``: ``ast.parse`` through ``funcls.model.python.limits.parse`` (Python's parser, after
  funcls' cost check);
* ``analyse``: ``analyse_module`` (funcls' module analysis, including the parse);
* ``check``: ``load_app`` + ``check_app`` on an app holding the text as function_app.py.

A step is linear when doubling ``n`` doubles the time: 8n costs 8x. The growth exponent is
log2(t(8n) / t(n)) / 3 (1.0 linear, 2.0 quadratic); a row is flagged SUPER-LINEAR when it
exceeds 1.4 with t(8n) above 50 ms (below that, noise decides). A row that raised (Python's
own limits: RecursionError, "too many nested parentheses") shows what funcls made of it.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEAD = "import azure.functions as func\n\napp = func.FunctionApp()\n\n"


def _http(name: str = "f", extra: str = "") -> str:
    head = f'@app.route(route="{name}")\n{extra}'
    return head + f'def {name}(req: func.HttpRequest) -> str:\n    return ""\n'


def chain(op: str, operand: str = "1") -> Callable[[int], str]:
    return lambda n: f"X = {operand}" + f" {op} {operand}" * (n - 1) + "\n" + _http()


def nested(open_: str, close: str, inner: str = "1") -> Callable[[int], str]:
    """``n`` statements of 150-deep nesting (Python refuses 200 levels, so depth is fixed)."""
    return lambda n: (
        "".join(f"X{i} = {open_ * 150}{inner}{close * 150}\n" for i in range(n)) + _http()
    )


SHAPES: dict[str, tuple[int, Callable[[int], str]]] = {
    # long chains of each operator (left- or right-nested trees)
    "chain +": (250, chain("+")),
    "chain *": (250, chain("*")),
    "chain **": (250, chain("**")),
    "chain |": (250, chain("|")),
    "chain and": (250, chain("and")),
    "chain or": (250, chain("or")),
    "chain == (one Compare)": (2000, chain("==")),
    "chain of string +": (250, chain("+", '"ab"')),
    "chain of string % ": (250, chain("%", '"ab"')),
    "attribute chain a.b.b…": (250, lambda n: "X = a" + ".b" * n + "\n" + _http()),
    "call chain f()()…": (250, lambda n: "X = f" + "()" * n + "\n" + _http()),
    "subscript chain x[0][0]…": (250, lambda n: "X = x" + "[0]" * n + "\n" + _http()),
    "unary chain - - -…": (250, lambda n: "X = " + "-" * n + "1\n" + _http()),
    "not not not…": (250, lambda n: "X = " + "not " * n + "1\n" + _http()),
    "conditional chain a if b else …": (
        250,
        lambda n: "X = " + "1 if y else " * n + "0\n" + _http(),
    ),
    "nested lambdas": (100, lambda n: "X = " + "lambda: " * n + "1\n" + _http()),
    # nesting of each bracket kind (fixed depth, many statements)
    "nested ( )": (50, nested("(", ")")),
    "nested [ ]": (50, nested("[", "]")),
    "nested { } (sets)": (50, nested("{", "}")),
    "nested calls f(f(…))": (50, nested("f(", ")")),
    "nested comprehensions": (
        25,
        lambda n: (
            "".join(f"X{i} = " + "[" * 60 + "1" + " for _ in y]" * 60 + "\n" for i in range(n))
            + _http()
        ),
    ),
    "nested f-strings": (
        2000,
        lambda n: "".join(f"X{i} = f\"{{f'{{1}}'}}\"\n" for i in range(n)) + _http(),
    ),
    # many items in one construct
    "decorators on one def": (
        500,
        lambda n: "".join(f"@app.function_name(name='f{i}')\n" for i in range(n)) + _http(),
    ),
    "arguments of one call": (
        5000,
        lambda n: "X = f(" + ", ".join(f"a{i}" for i in range(n)) + ")\n" + _http(),
    ),
    "keyword arguments of a decorator": (
        2000,
        lambda n: (
            '@app.route(route="f", '
            + ", ".join(f"k{i}={i}" for i in range(n))
            + ')\ndef f(req: func.HttpRequest) -> str:\n    return ""\n'
        ),
    ),
    "parameters of one def": (
        2000,
        lambda n: _http("f").replace(
            "req: func.HttpRequest",
            "req: func.HttpRequest, " + ", ".join(f"p{i}: int = {i}" for i in range(n)),
        ),
    ),
    "implicit string concatenation": (
        5000,
        lambda n: "X = (" + " ".join('"ab"' for _ in range(n)) + ")\n" + _http(),
    ),
    "implicit f-string concatenation": (
        5000,
        lambda n: "X = (" + " ".join('f"{1}"' for _ in range(n)) + ")\n" + _http(),
    ),
    "route of concatenated constants": (
        200,
        lambda n: (
            "R = 'a'\n"
            + "".join(f"R{i} = R{i - 1 if i else ''} + 'b'\n" for i in range(n))
            + f'@app.route(route=R{n - 1})\ndef f(req: func.HttpRequest) -> str:\n    return ""\n'
        ),
    ),
    "route with many {params}": (
        2000,
        lambda n: (
            '@app.route(route="'
            + "/".join(f"{{p{i}}}" for i in range(n))
            + '")\ndef f(req: func.HttpRequest) -> str:\n    return ""\n'
        ),
    ),
    "dict literal entries": (
        10000,
        lambda n: "X = {" + ", ".join(f"{i}: {i}" for i in range(n)) + "}\n" + _http(),
    ),
    "list literal items": (
        10000,
        lambda n: "X = [" + ", ".join(str(i) for i in range(n)) + "]\n" + _http(),
    ),
    # many statements
    "if/elif chain": (
        250,
        lambda n: (
            "if x == 0:\n    pass\n"
            + "".join(f"elif x == {i}:\n    pass\n" for i in range(1, n))
            + _http()
        ),
    ),
    "functions (http routes)": (250, lambda n: "".join(_http(f"f{i}") for i in range(n))),
    "assignments": (5000, lambda n: "".join(f"X{i} = {i}\n" for i in range(n)) + _http()),
    "one long line of statements": (
        5000,
        lambda n: "; ".join(f"X{i} = {i}" for i in range(n)) + "\n" + _http(),
    ),
    "backslash continuations": (
        2000,
        lambda n: "".join(f"X{i} = 1 \\\n    + 1\n" for i in range(n)) + _http(),
    ),
    "nested defs (fixed depth 90)": (
        20,
        lambda n: (
            "".join(
                "".join("    " * d + f"def g{i}_{d}():\n" for d in range(90))
                + "    " * 90
                + "pass\n"
                for i in range(n)
            )
            + _http()
        ),
    ),
    # syntax errors (recovery parses statement by statement)
    "statements then a syntax error": (
        2000,
        lambda n: "".join(f"X{i} = {i}\n" for i in range(n)) + _http() + "def broken(:\n",
    ),
    "a syntax error in each function": (
        250,
        lambda n: "".join(_http(f"f{i}") + "    x = (\n" for i in range(n)),
    ),
    "an unclosed bracket at the top": (
        2000,
        lambda n: "X = (\n" + "".join(f"Y{i} = {i}\n" for i in range(n)) + _http(),
    ),
    "an unclosed triple quote at the top": (
        2000,
        lambda n: 'X = """\n' + "".join(f"Y{i} = {i}\n" for i in range(n)) + _http(),
    ),
}

CHILD = r"""
import ast, json, os, sys, time, tempfile
from funcls.model.python.limits import parse
from funcls.model.python.module import analyse_module
from funcls.model.loader import load_app
from funcls.model.source import Source
from funcls.checks import CheckConfig, check_app
sys.setrecursionlimit(sys.getrecursionlimit())
text = sys.stdin.read()
repeat = int(sys.argv[1])
if sys.argv[2] == "gc-off":
    import gc
    gc.disable()
out = {}
def best(fn):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result
try:
    out["parse"], _ = best(lambda: parse(text))
except Exception as e:
    out["parse"], out["parse_error"] = None, f"{type(e).__name__}: {str(e)[:80]}"
out["analyse"], info = best(lambda: analyse_module("function_app.py", text))
out["problems"] = [p.message[:100] for p in info.problems][:3]
root = tempfile.mkdtemp()
with open(os.path.join(root, "host.json"), "w") as f:
    f.write('{"version": "2.0"}')
with open(os.path.join(root, "function_app.py"), "w") as f:
    f.write(text)
def check():
    return check_app(load_app(root, Source()), CheckConfig())
out["check"], found = best(check)
out["findings"] = len(found)
print(json.dumps(out))
"""


def measure(text: str, repeat: int, timeout: float, gc_off: bool = False) -> dict[str, object]:
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(repeat), "gc-off" if gc_off else "gc-on"],
            input=text,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=REPO,
        )
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    if done.returncode != 0:
        return {"crash": done.stderr.strip().splitlines()[-1:]}
    return dict(json.loads(done.stdout))


def _less(value: object, base: float) -> float | None:
    return max(float(value) - base, 1e-6) if isinstance(value, float) else None


def exponent(small: object, big: object) -> float | None:
    if not isinstance(small, float) or not isinstance(big, float) or small <= 0:
        return None
    return math.log2(big / small) / 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shapes", nargs="*", help="only shapes whose name contains these")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--gc-off",
        action="store_true",
        help="time with the cyclic collector off (as funcls check runs): growth that is the "
        "collector's passes over a larger heap disappears",
    )
    args = parser.parse_args()
    rows = []
    flagged = 0
    empty = measure(HEAD + _http(), args.repeat, args.timeout, args.gc_off)
    base = {step: float(empty[step]) for step in ("parse", "analyse", "check")}  # type: ignore[arg-type]
    if not args.json:
        print(
            f"python {sys.version.split()[0]}; best of {args.repeat}; ms at n, 2n, 4n, 8n "
            f"less the empty app's ({', '.join(f'{k} {v * 1000:.1f}' for k, v in base.items())})\n"
        )
        print("| shape | n | step | n | 2n | 4n | 8n | exponent | note |")
        print("|---|---|---|---|---|---|---|---|---|")
    for name, (n, gen) in SHAPES.items():
        if args.shapes and not any(s in name for s in args.shapes):
            continue
        results = [
            measure(HEAD + gen(n * k), args.repeat, args.timeout, args.gc_off) for k in (1, 2, 4, 8)
        ]
        for step in ("parse", "analyse", "check"):
            times = [_less(r.get(step), base[step]) for r in results]
            exp = exponent(times[0], times[3])
            slow = isinstance(times[3], float) and times[3] > 0.05
            flag = exp is not None and exp > 1.4 and slow
            flagged += flag
            notes = []
            if flag:
                notes.append("SUPER-LINEAR")
            for r in results:
                if "timeout" in r:
                    notes.append(f"timeout {r['timeout']:.0f} s")
                    break
                if "crash" in r:
                    notes.append(f"crash {r['crash']}")
                    break
            if step == "parse":
                errs = {str(r["parse_error"]) for r in results if r.get("parse_error")}
                notes += sorted(errs)[:1]
            if step == "check":
                notes.append("findings " + "/".join(str(r.get("findings", "-")) for r in results))
            row = {
                "shape": name,
                "n": n,
                "step": step,
                "ms": times,
                "exponent": exp,
                "flag": flag,
                "notes": notes,
            }
            rows.append(row)
            if not args.json:
                cells = " | ".join("-" if t is None else f"{float(t) * 1000:.1f}" for t in times)
                e = "-" if exp is None else f"{exp:.2f}"
                print(f"| {name} | {n} | {step} | {cells} | {e} | {'; '.join(notes)} |", flush=True)
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        print(f"\n{flagged} step(s) flagged super-linear")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        main()
