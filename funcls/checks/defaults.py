"""Values a quick fix may write for a required binding property that is missing.

Only values with a known source: the defaults ``funcls new`` uses for a trigger of the same
service (funcls/model/catalogue/templates.py: a queue named after the function, a timer every
five minutes, the setting names of the services' connections, ``AzureWebJobsStorage`` for
storage), formatted for the function at hand; for another binding of the same service, only
the connection's setting name. A property without one (a Kafka broker list, a
SQL command) gets no value: an empty or made-up one would only move the error to run time.
"""

from __future__ import annotations

from funcls.model.appmodel import Function
from funcls.model.catalogue import CATALOGUE, BindingSpec


def _camel(snake: str) -> str:
    words = snake.split("_")
    return words[0] + "".join(w.title() for w in words[1:])


def suggested_value(fn: Function, spec: BindingSpec, prop: str) -> str | None:
    """A value for ``prop`` of a ``spec`` binding of ``fn``, or None."""
    # Imported for a fix only (issue 16: `funcls check` of an app without mistakes never is).
    from funcls.model.catalogue.templates import TEMPLATES
    from funcls.model.scaffold.functions import slug

    # The templates of this binding type; for a connection, those of its service too (an
    # Event Hubs output takes the trigger's setting name). Not a queue or container name: an
    # output writing to the queue its trigger reads would trigger itself.
    own = [t for t in TEMPLATES if t.binding_type == spec.type]
    known = spec.find_property(prop)
    family = [
        t
        for t in TEMPLATES
        if t not in own
        and known is not None
        and known.role == "connection"
        and (other := CATALOGUE.bindings.get(t.binding_type)) is not None
        and other.family == spec.family
    ]
    for template in (*own, *family):
        for setting in template.settings:
            if _camel(setting.param) != prop:
                continue
            value = setting.default.format(name=fn.name, slug=slug(fn.name))
            if "{" in value and not spec.trigger:
                continue  # a binding expression ({name}) needs the trigger's metadata
            return value
    return None
