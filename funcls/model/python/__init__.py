"""Static analysis of Python modules.

``module`` reads one module; ``exprs`` and ``conditions`` read expressions and the ``if``
guards around code; ``recover`` keeps what parses in a broken file; ``facts`` holds what the
analysis yields.
"""
