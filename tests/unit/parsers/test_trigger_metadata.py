import pytest

from funcls.model.parsers.trigger_metadata import trigger_metadata, trigger_supplied_names

QUEUE_NAMES = {
    "QueueTrigger",
    "DequeueCount",
    "ExpirationTime",
    "Id",
    "InsertionTime",
    "NextVisibleTime",
    "PopReceipt",
}


def test_blob_trigger_supplies_its_path_names_and_metadata() -> None:
    names = trigger_supplied_names("blobTrigger", {"path": "samples/{name}.{ext}"})
    assert names == {"name", "ext", "BlobTrigger", "Uri", "Properties", "Metadata"}


def test_blob_trigger_without_a_path_supplies_the_fixed_names() -> None:
    assert trigger_supplied_names("BLOBTRIGGER") == {"BlobTrigger", "Uri", "Properties", "Metadata"}


@pytest.mark.parametrize("path", ["%Container%/{name}", "{bad/x", "c/{data.x}"])
def test_blob_paths_that_hide_names_make_the_set_open(path: str) -> None:
    assert trigger_supplied_names("blobTrigger", {"path": path}) is None


def test_timer_supplies_nothing() -> None:
    assert trigger_supplied_names("timerTrigger", {"schedule": "0 */5 * * * *"}) == set()


@pytest.mark.parametrize(
    "trigger",
    [
        "queueTrigger",
        "httpTrigger",
        "serviceBusTrigger",
        "eventHubTrigger",
        "eventGridTrigger",
        "cosmosDBTrigger",
        "kafkaTrigger",
        "someCustomTrigger",
    ],
)
def test_payload_or_unknown_triggers_allow_anything(trigger: str) -> None:
    assert trigger_supplied_names(trigger, {}) is None


def test_queue_metadata_names() -> None:
    metadata = trigger_metadata("queueTrigger")
    assert metadata is not None
    assert set(metadata.names) == QUEUE_NAMES
    assert metadata.open_ended
    assert metadata.lookup("queuetrigger") == "QueueTrigger"
    assert metadata.lookup("nope") is None


def test_http_metadata_includes_route_parameters() -> None:
    metadata = trigger_metadata("httpTrigger", {"route": "products/{category:alpha}/{id:int?}"})
    assert metadata is not None
    assert list(metadata.names) == ["Query", "Headers", "category", "id"]
    assert metadata.names["id"] == "the route parameter {id}"


def test_batched_triggers_add_array_names() -> None:
    single = trigger_metadata("eventHubTrigger", {"cardinality": "one"})
    batch = trigger_metadata("eventHubTrigger", {"Cardinality": "MANY"})
    assert single is not None and batch is not None
    assert "SequenceNumberArray" not in single.names
    assert set(batch.names) - set(single.names) == {
        "EnqueuedTimeUtcArray",
        "OffsetArray",
        "PartitionKeyArray",
        "PropertiesArray",
        "SequenceNumberArray",
        "SystemPropertiesArray",
    }
    service_bus = trigger_metadata("serviceBusTrigger", {"cardinality": "many"})
    assert service_bus is not None
    assert {"MessageIdArray", "DeliveryCountArray"} <= set(service_bus.names)
    assert "MessageActionsArray" not in service_bus.names


def test_unknown_trigger_has_no_metadata() -> None:
    assert trigger_metadata("madeUpTrigger") is None
