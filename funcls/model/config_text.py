"""The text the Functions host gives a scalar of host.json when a setting of type string reads it.

The host reads host.json into its configuration as text: every scalar is stored as
``JValue.ToString(CultureInfo.InvariantCulture)`` (azure-functions-host,
src/WebJobs.Script.WebHost/Configuration/HostJsonFileConfigurationSource.cs,
HostJsonFileConfigurationProvider.ProcessToken), so ``"routePrefix": 5`` binds the string
``HttpOptions.RoutePrefix`` to ``"5"`` and the app is served under ``/5/``. No imports: the
runner's start-up path (runner/config.py) reads host.json without the model.
"""

from __future__ import annotations


def config_text(value: object) -> str | None:
    """``value`` (a scalar read from JSON) as the host's configuration holds it, or None for
    what is not a string, a number or a boolean (null, an object, an array: left to the
    setting's default here)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"  # .NET Boolean.ToString()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        # .NET writes an integral double without a fraction (5.0 -> "5").
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return None
