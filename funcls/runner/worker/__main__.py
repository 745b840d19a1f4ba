"""`python -m funcls.runner.worker --fd N --root DIR`: the app process (see main.py)."""

from .main import main

if __name__ == "__main__":
    main()
