"""Modules that cannot fail to compile, told from their tree without compiling (issue 16).

AZF603 compiles every module the worker imports (``compile_errors``): from the model's tree
that is CPython converting the whole tree back to its C form (``PyAST_obj2mod``, about two
thirds of the cost) and then running the symbol table and the code generator — a quarter of
``funcls check``'s rules on a workspace whose every file differs. Nearly every module compiles,
and the errors only those passes report come from few constructs. ``cannot_fail`` answers
True only when the module holds none of them, so the compile can be skipped; any doubt answers
False and the module is compiled as before. It never answers True for a module that fails:
``tests/checks/test_compile_screen.py`` compiles every module it passes (the standard library,
site-packages, the tests' apps, and random compile-time errors put in them).

What the compilers of CPython 3.11 refuse after the parser accepted a text
(Python/symtable.c, Python/compile.c, Python/future.c; the same test passes on 3.10, 3.12 and
3.13, and a later Python compiles every module), and how it is excluded here:

* ``global``, ``nonlocal``, ``yield``, ``await``, ``async``, ``:=``, ``__debug__``,
  ``__future__``: every error of these (placement, declarations after use, comprehension
  scopes, annotations, future imports) needs the word in the text; a text holding one of them
  anywhere, comments and strings included, is compiled.
* ``return`` outside a function, ``break`` / ``continue`` outside a loop (a loop's ``else``
  belongs to the enclosing one; a class body is a scope of its own), ``import *`` below the
  module level: placed by the walk below.
* A parameter named twice in a ``def`` or ``lambda``; a keyword argument named twice in a call
  or a class's keywords.
* A starred expression anywhere but an item of a list, tuple or set being read, an argument
  of a call or a base of a class (assignment targets with a star are compiled).
* A bare ``except:`` before another handler; ``match`` and ``except*`` statements (compiled);
  more than 20 statically nested blocks (counted with room to spare).
* A tree the compiler's own check refuses (a name stored where it is read): compiled, so that
  the text decides as before.
"""

from __future__ import annotations

import ast
import sys

# The list above was checked against the compilers of 3.10 to 3.13 (3.12's type parameters
# and ``type`` statements are compiled); a later Python may refuse more: compile everything.
_CHECKED_ON_THIS_PYTHON = sys.version_info < (3, 14)
# Any of these in the text: compiled (see above).
_WORDS = ("yield", "await", "async", ":=", "global", "nonlocal", "__debug__", "__future__")
# CPython's CO_MAXBLOCKS is 20 blocks per function; each construct below is counted as at
# least as many blocks as the code generator pushes for it (a try with handlers and a
# finally pushes three at most around a handler's body, a with one per item).
_MAX_BLOCKS = 17
_LOOP_BLOCKS = 1
_TRY_BLOCKS = 3
_WITH_ITEM_BLOCKS = 2

_Load = ast.Load
_Starred = ast.Starred
_AST = ast.AST
# Expression-level nodes the walk goes through by their fields (operators, contexts and the
# small records of arguments and comprehensions included); any type not here or handled by
# name below makes the module compiled.
_PLAIN = frozenset(
    {
        ast.BoolOp,
        ast.BinOp,
        ast.UnaryOp,
        ast.IfExp,
        ast.Compare,
        ast.FormattedValue,
        ast.JoinedStr,
        ast.Slice,
        ast.keyword,
        ast.comprehension,
        ast.ListComp,
        ast.SetComp,
        ast.DictComp,
        ast.GeneratorExp,
        ast.And,
        ast.Or,
        ast.Add,
        ast.Sub,
        ast.Mult,
        ast.MatMult,
        ast.Div,
        ast.Mod,
        ast.Pow,
        ast.LShift,
        ast.RShift,
        ast.BitOr,
        ast.BitXor,
        ast.BitAnd,
        ast.FloorDiv,
        ast.Invert,
        ast.Not,
        ast.UAdd,
        ast.USub,
        ast.Eq,
        ast.NotEq,
        ast.Lt,
        ast.LtE,
        ast.Gt,
        ast.GtE,
        ast.Is,
        ast.IsNot,
        ast.In,
        ast.NotIn,
        ast.Load,
    }
)
# Read positions that hold a context: must be reading.
_WITH_CTX = (ast.Name, ast.Attribute, ast.Subscript)


class _Fails(Exception):
    """The module may fail to compile: compile it."""


def cannot_fail(text: str, body: list[ast.stmt]) -> bool:
    """True when compiling the module whose text is ``text`` and whose statements are ``body``
    (as ``ast.parse(text)`` gave them) cannot raise a SyntaxError; False when it may."""
    if not _CHECKED_ON_THIS_PYTHON:
        return False
    for word in _WORDS:
        if word in text:
            return False
    walk = _Walk()
    try:
        walk.block(body, function=False, loop=False, blocks=0, module=True)
        walk.expressions()
    except (_Fails, RecursionError):
        return False
    return True


class _Walk:
    """Statements are walked with their place (function, loop, blocks); the expressions they
    hold are collected and walked at the end, one stack for all."""

    def __init__(self) -> None:
        self.loads: list[object] = []

    def block(
        self, body: list[ast.stmt], *, function: bool, loop: bool, blocks: int, module: bool
    ) -> None:
        if blocks > _MAX_BLOCKS:
            raise _Fails
        loads = self.loads
        push = loads.append
        for s in body:
            t = type(s)
            if t is ast.Expr:
                push(s.value)  # type: ignore[attr-defined]
            elif t is ast.Assign:
                for target in s.targets:  # type: ignore[attr-defined]
                    self.target(target)
                push(s.value)  # type: ignore[attr-defined]
            elif t is ast.Return:
                if not function:
                    raise _Fails
                if s.value is not None:  # type: ignore[attr-defined]
                    push(s.value)  # type: ignore[attr-defined]
            elif t is ast.FunctionDef:
                self.function(s)  # type: ignore[arg-type]
            elif t is ast.Import or t is ast.Pass:
                pass
            elif t is ast.ImportFrom:
                if not module and any(a.name == "*" for a in s.names):  # type: ignore[attr-defined]
                    raise _Fails
            elif t is ast.If:
                push(s.test)  # type: ignore[attr-defined]
                self.block(s.body, function=function, loop=loop, blocks=blocks, module=module)  # type: ignore[attr-defined]
                self.block(s.orelse, function=function, loop=loop, blocks=blocks, module=module)  # type: ignore[attr-defined]
            elif t is ast.For or t is ast.While:
                if t is ast.For:
                    self.target(s.target)  # type: ignore[attr-defined]
                    push(s.iter)  # type: ignore[attr-defined]
                else:
                    push(s.test)  # type: ignore[attr-defined]
                inner = blocks + _LOOP_BLOCKS
                self.block(s.body, function=function, loop=True, blocks=inner, module=module)  # type: ignore[attr-defined]
                # A loop's else is compiled after the loop's block: its break is the outer one's.
                self.block(s.orelse, function=function, loop=loop, blocks=blocks, module=module)  # type: ignore[attr-defined]
            elif t is ast.Try:
                handlers = s.handlers  # type: ignore[attr-defined]
                for h in handlers[:-1]:
                    if h.type is None:  # "default 'except:' must be last"
                        raise _Fails
                inner = blocks + _TRY_BLOCKS
                self.block(s.body, function=function, loop=loop, blocks=inner, module=module)  # type: ignore[attr-defined]
                for h in handlers:
                    if h.type is not None:
                        push(h.type)
                    self.block(h.body, function=function, loop=loop, blocks=inner, module=module)
                self.block(s.orelse, function=function, loop=loop, blocks=inner, module=module)  # type: ignore[attr-defined]
                self.block(s.finalbody, function=function, loop=loop, blocks=inner, module=module)  # type: ignore[attr-defined]
            elif t is ast.With:
                items = s.items  # type: ignore[attr-defined]
                for item in items:
                    push(item.context_expr)
                    if item.optional_vars is not None:
                        self.target(item.optional_vars)
                inner = blocks + _WITH_ITEM_BLOCKS * len(items)
                self.block(s.body, function=function, loop=loop, blocks=inner, module=module)  # type: ignore[attr-defined]
            elif t is ast.ClassDef:
                self.class_(s)  # type: ignore[arg-type]
            elif t is ast.AugAssign:
                self.target(s.target)  # type: ignore[attr-defined]
                push(s.value)  # type: ignore[attr-defined]
            elif t is ast.AnnAssign:
                self.target(s.target)  # type: ignore[attr-defined]
                push(s.annotation)  # type: ignore[attr-defined]
                if s.value is not None:  # type: ignore[attr-defined]
                    push(s.value)  # type: ignore[attr-defined]
            elif t is ast.Raise:
                if s.exc is not None:  # type: ignore[attr-defined]
                    push(s.exc)  # type: ignore[attr-defined]
                if s.cause is not None:  # type: ignore[attr-defined]
                    push(s.cause)  # type: ignore[attr-defined]
            elif t is ast.Assert:
                push(s.test)  # type: ignore[attr-defined]
                if s.msg is not None:  # type: ignore[attr-defined]
                    push(s.msg)  # type: ignore[attr-defined]
            elif t is ast.Delete:
                for target in s.targets:  # type: ignore[attr-defined]
                    self.target(target)
            elif (t is ast.Break or t is ast.Continue) and loop:
                pass
            else:
                # break/continue outside a loop, global, nonlocal, match, try/except*, async
                # statements, anything unknown.
                raise _Fails

    def function(self, s: ast.FunctionDef) -> None:
        if getattr(s, "type_params", None):  # 3.12's def f[T](): its own scope and errors
            raise _Fails
        push = self.loads.append
        for d in s.decorator_list:
            push(d)
        self.arguments(s.args)
        if s.returns is not None:
            push(s.returns)
        self.block(s.body, function=True, loop=False, blocks=0, module=False)

    def class_(self, s: ast.ClassDef) -> None:
        if getattr(s, "type_params", None):
            raise _Fails
        push = self.loads.append
        for d in s.decorator_list:
            push(d)
        self.call_args(s.bases, s.keywords)
        self.block(s.body, function=False, loop=False, blocks=0, module=False)

    def arguments(self, a: ast.arguments) -> None:
        """A def's or lambda's parameters: no name twice; defaults and annotations read."""
        push = self.loads.append
        names = set()
        count = 0
        for group in (a.posonlyargs, a.args, a.kwonlyargs):
            for arg in group:
                names.add(arg.arg)
                count += 1
                if arg.annotation is not None:
                    push(arg.annotation)
        for star in (a.vararg, a.kwarg):
            if star is not None:
                names.add(star.arg)
                count += 1
                if star.annotation is not None:
                    push(star.annotation)
        if len(names) != count:
            raise _Fails
        for d in a.defaults:
            push(d)
        for kd in a.kw_defaults:
            if kd is not None:
                push(kd)

    def call_args(self, args: list[ast.expr], keywords: list[ast.keyword]) -> None:
        push = self.loads.append
        for arg in args:
            push(arg.value if isinstance(arg, _Starred) else arg)
        if keywords:
            named = [k.arg for k in keywords if k.arg is not None]
            if len(set(named)) != len(named):  # "keyword argument repeated"
                raise _Fails
            for k in keywords:
                push(k.value)

    def target(self, node: ast.expr) -> None:
        """An assignment's, a loop's or a ``del``'s target: names, attributes, subscripts and
        tuples or lists of them, without a star."""
        t = type(node)
        if t is ast.Name:
            pass
        elif t is ast.Attribute:
            self.loads.append(node.value)  # type: ignore[attr-defined]
        elif t is ast.Subscript:
            self.loads.append(node.value)  # type: ignore[attr-defined]
            self.loads.append(node.slice)  # type: ignore[attr-defined]
        elif t is ast.Tuple or t is ast.List:
            for e in node.elts:  # type: ignore[attr-defined]
                self.target(e)
        else:
            raise _Fails
        if type(node.ctx) is _Load:  # type: ignore[attr-defined]
            raise _Fails

    def expressions(self) -> None:
        """Every expression collected, one stack for all. The node types are local names
        (a module attribute looked up at each comparison was a fifth of the walk), and the
        commonest shapes are taken whole where they are met instead of pushed and popped:
        an attribute chain down to its name, a call's arguments and keyword values, and
        constants and read names below those (issue 16, eighth pass)."""
        stack = self.loads
        pop = stack.pop
        push = stack.append
        extend = stack.extend
        plain = _PLAIN
        fails = _Fails
        load, starred = _Load, _Starred
        name_t, constant_t, attribute_t, call_t = ast.Name, ast.Constant, ast.Attribute, ast.Call
        tuple_t, list_t, set_t, subscript_t = ast.Tuple, ast.List, ast.Set, ast.Subscript
        dict_t, lambda_t, comprehension_t = ast.Dict, ast.Lambda, ast.comprehension
        while stack:
            node = pop()
            t = type(node)
            if t is name_t:
                if type(node.ctx) is not load:  # type: ignore[attr-defined]
                    raise fails
            elif t is constant_t:
                pass
            elif t is attribute_t:
                # a.b.c: each link read, down to what it is read from
                while True:
                    if type(node.ctx) is not load:  # type: ignore[attr-defined]
                        raise fails
                    node = node.value  # type: ignore[attr-defined]
                    t = type(node)
                    if t is not attribute_t:
                        break
                if t is name_t:
                    if type(node.ctx) is not load:
                        raise fails
                elif t is not constant_t:
                    push(node)
            elif t is call_t:
                push(node.func)  # type: ignore[attr-defined]
                for arg in node.args:  # type: ignore[attr-defined]
                    a = type(arg)
                    if a is starred:
                        push(arg.value)
                    elif a is not constant_t:
                        push(arg)
                keywords = node.keywords  # type: ignore[attr-defined]
                if keywords:
                    named = [k.arg for k in keywords if k.arg is not None]
                    if len(set(named)) != len(named):  # "keyword argument repeated"
                        raise fails
                    for k in keywords:
                        v = k.value
                        if type(v) is not constant_t:
                            push(v)
            elif t is tuple_t or t is list_t or t is set_t:
                if t is not set_t and type(node.ctx) is not load:  # type: ignore[attr-defined]
                    raise fails
                for e in node.elts:  # type: ignore[attr-defined]
                    push(e.value if type(e) is starred else e)
            elif t is subscript_t:
                if type(node.ctx) is not load:  # type: ignore[attr-defined]
                    raise fails
                push(node.value)  # type: ignore[attr-defined]
                push(node.slice)  # type: ignore[attr-defined]
            elif t is dict_t:
                for k in node.keys:  # type: ignore[attr-defined]
                    if k is not None:  # None: a ** item
                        push(k)
                extend(node.values)  # type: ignore[attr-defined]
            elif t is lambda_t:
                self.arguments(node.args)  # type: ignore[attr-defined]
                push(node.body)  # type: ignore[attr-defined]
            elif t in plain:
                if t is comprehension_t:
                    if node.is_async:  # type: ignore[attr-defined]
                        raise fails
                    self.target(node.target)  # type: ignore[attr-defined]
                    push(node.iter)  # type: ignore[attr-defined]
                    extend(node.ifs)  # type: ignore[attr-defined]
                    continue
                for name in node._fields:  # type: ignore[attr-defined]
                    v = getattr(node, name)
                    if type(v) is list:
                        extend(v)
                    elif isinstance(v, _AST):
                        push(v)
            else:
                # A star where it is not an item or an argument, a walrus, yield, await,
                # anything unknown, or None where a node should be.
                raise fails
