"""``python -m funcls.model.schemas --write|--check``."""

import sys

from funcls.model.schemas import main

sys.exit(main())
