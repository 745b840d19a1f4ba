"""Function templates: the triggers ``funcls new function`` offers and their key settings.

A template names a trigger decorator of the catalogue and the few of its parameters that a new
function needs (as ``func new`` asks for them), with a default for each. Everything else —
the binding type, the title, what each setting means, whether it is required, the function.json
key it becomes, the parameter annotation — is read from the binding and decorator specs, so a
template adds only the choices a template has to make.

The ``local_value`` of a connection is what ``funcls new`` writes into local.settings.json when
the setting is missing: the connection string of the service's local emulator, as Microsoft
documents it (Azurite: ``UseDevelopmentStorage=true``; the Service Bus and Event Hubs emulators
and the Cosmos DB emulator publish fixed development keys).
"""

from __future__ import annotations

from funcls.model.catalogue.types import BindingSpec, DecoratorParam, DecoratorSpec, PropertySpec
from funcls.model.fastclass import dataclass

STORAGE_EMULATOR = "UseDevelopmentStorage=true"
# The emulators' documented development connection strings (not secrets).
SERVICE_BUS_EMULATOR = (
    "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;"
    "SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;"
)
EVENT_HUBS_EMULATOR = SERVICE_BUS_EMULATOR
COSMOS_EMULATOR = (
    "AccountEndpoint=https://localhost:8081/;AccountKey=C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5"
    "DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIbczQ=="
)


@dataclass(frozen=True, slots=True)
class TemplateSetting:
    param: str  # the decorator keyword (route: ``auth_level``)
    # As the user would type it ("GET,POST", "function", "0 */5 * * * *"); ``{name}`` is the
    # function's name, ``{slug}`` the same in the lowercase-and-hyphens form storage names need.
    default: str
    local_value: str | None = None  # connection only: the value for local.settings.json


@dataclass(frozen=True, slots=True)
class TriggerTemplate:
    id: str  # what `--trigger` takes: http, timer, queue, ...
    decorator: str  # the trigger decorator of FunctionApp
    binding_type: str  # the function.json type it writes
    parameter: str  # the default parameter name
    annotation: str  # the parameter annotation (one of the binding's input_types)
    settings: tuple[TemplateSetting, ...]
    variant: str = ""  # added to the binding's title where two templates share a binding


T = TemplateSetting

TEMPLATES: tuple[TriggerTemplate, ...] = (
    TriggerTemplate(
        "http",
        "route",
        "httpTrigger",
        "req",
        "azure.functions.HttpRequest",
        (T("route", "{name}"), T("methods", "GET,POST"), T("auth_level", "function")),
    ),
    TriggerTemplate(
        "timer",
        "timer_trigger",
        "timerTrigger",
        "timer",
        "azure.functions.TimerRequest",
        (T("schedule", "0 */5 * * * *"),),
    ),
    TriggerTemplate(
        "queue",
        "queue_trigger",
        "queueTrigger",
        "msg",
        "azure.functions.QueueMessage",
        (
            T("queue_name", "{slug}-items"),
            T("connection", "AzureWebJobsStorage", STORAGE_EMULATOR),
        ),
    ),
    TriggerTemplate(
        "blob",
        "blob_trigger",
        "blobTrigger",
        "blob",
        "azure.functions.InputStream",
        (
            T("path", "{slug}-container/{{name}}"),
            T("connection", "AzureWebJobsStorage", STORAGE_EMULATOR),
        ),
    ),
    TriggerTemplate(
        "eventhub",
        "event_hub_message_trigger",
        "eventHubTrigger",
        "event",
        "azure.functions.EventHubEvent",
        (
            T("event_hub_name", "{slug}-hub"),
            T("connection", "EventHubConnection", EVENT_HUBS_EMULATOR),
        ),
    ),
    TriggerTemplate(
        "servicebus-queue",
        "service_bus_queue_trigger",
        "serviceBusTrigger",
        "msg",
        "azure.functions.ServiceBusMessage",
        (
            T("queue_name", "{slug}-queue"),
            T("connection", "ServiceBusConnection", SERVICE_BUS_EMULATOR),
        ),
        variant="queue",
    ),
    TriggerTemplate(
        "servicebus-topic",
        "service_bus_topic_trigger",
        "serviceBusTrigger",
        "msg",
        "azure.functions.ServiceBusMessage",
        (
            T("topic_name", "{slug}-topic"),
            T("subscription_name", "{slug}-subscription"),
            T("connection", "ServiceBusConnection", SERVICE_BUS_EMULATOR),
        ),
        variant="topic",
    ),
    TriggerTemplate(
        "cosmosdb",
        "cosmos_db_trigger",
        "cosmosDBTrigger",
        "documents",
        "azure.functions.DocumentList",
        (
            T("database_name", "{slug}-db"),
            T("container_name", "items"),
            T("lease_container_name", "leases"),
            T("create_lease_container_if_not_exists", "true"),
            T("connection", "CosmosDBConnection", COSMOS_EMULATOR),
        ),
    ),
    TriggerTemplate(
        "eventgrid",
        "event_grid_trigger",
        "eventGridTrigger",
        "event",
        "azure.functions.EventGridEvent",
        (),
    ),
)


def find_template(key: str) -> TriggerTemplate | None:
    """The template for an id (``http``), a decorator name or a binding type, ignoring case."""
    low = key.strip().lower()
    for t in TEMPLATES:
        if low in (t.id, t.decorator.lower()):
            return t
    hits = [t for t in TEMPLATES if t.binding_type.lower() == low]
    return hits[0] if len(hits) == 1 else None


@dataclass(frozen=True, slots=True)
class ResolvedSetting:
    """A template setting with what the catalogue says about it."""

    setting: TemplateSetting
    param: DecoratorParam
    prop: PropertySpec | None

    @property
    def name(self) -> str:
        return self.setting.param

    @property
    def description(self) -> str:
        return self.prop.summary if self.prop else ""

    @property
    def required(self) -> bool:
        return self.param.required


def resolve(
    template: TriggerTemplate,
    decorators: dict[str, DecoratorSpec],
    bindings: dict[str, BindingSpec],
) -> tuple[DecoratorSpec, BindingSpec, tuple[ResolvedSetting, ...]]:
    """The decorator, binding and settings of ``template``; KeyError when the catalogue does not
    describe them (a test keeps every template resolvable)."""
    decorator = decorators[template.decorator]
    binding = bindings[template.binding_type]
    settings = []
    for s in template.settings:
        param = decorator.param(s.param)
        if param is None:
            raise KeyError(f"{template.decorator} has no parameter {s.param!r}")
        settings.append(
            ResolvedSetting(s, param, binding.find_property(param.target) if param.target else None)
        )
    return decorator, binding, tuple(settings)
