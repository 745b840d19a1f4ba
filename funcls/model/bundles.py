"""The extension bundles Azure publishes for non-.NET apps, the stable one first, and the
range of its supported major version (host.json's schema, AZF405 and AZF409 use them).

A module of its own so that the checker reads them without building the JSON schemas
(``funcls.model.schemas`` imports the whole catalogue's schema code: issue 16).
"""

from __future__ import annotations

BUNDLE_IDS = (
    "Microsoft.Azure.Functions.ExtensionBundle",
    "Microsoft.Azure.Functions.ExtensionBundle.Preview",
    "Microsoft.Azure.Functions.ExtensionBundle.Experimental",
)
DEFAULT_BUNDLE_ID = BUNDLE_IDS[0]
CURRENT_BUNDLE_RANGE = "[4.*, 5.0.0)"
