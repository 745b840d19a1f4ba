"""BlobService over azure-storage-blob (block blobs, whole-blob reads and writes)."""

from __future__ import annotations

from typing import Any

from azure.storage.blob import BlobServiceClient, ContentSettings

from ._azure_common import aware, quoted_etag, translated
from ._names import check_blob_name, check_container_name
from .embedded_blobs import DEFAULT_CONTENT_TYPE
from .errors import BlobNotFoundError, ContainerNotFoundError, InvalidArgumentError, StorageError
from .interface import BlobProperties, DownloadedBlob


class AzureBlobs:
    """BlobService over azure-storage-blob (block blobs, single-shot uploads)."""

    def __init__(self, service: BlobServiceClient | None) -> None:
        self._service = service

    def _container(self, container: str) -> Any:
        check_container_name(container)
        if self._service is None:
            raise StorageError(
                "the storage connection string has no blob endpoint; add BlobEndpoint=... "
                "or AccountName=..."
            )
        return self._service.get_container_client(container)

    def _blob(self, container: str, name: str) -> Any:
        check_blob_name(name)
        return self._container(container).get_blob_client(name)

    @staticmethod
    def _properties(container: str, raw: Any) -> BlobProperties:
        return BlobProperties(
            container=container,
            name=raw.name,
            etag=quoted_etag(raw.etag),
            last_modified=aware(raw.last_modified),
            content_length=raw.size,
            content_type=raw.content_settings.content_type or DEFAULT_CONTENT_TYPE,
            metadata=dict(raw.metadata or {}),
        )

    def create_container(self, container: str) -> None:
        client = self._container(container)
        with translated(container=container, ignore="ContainerAlreadyExists"):
            client.create_container()

    def delete_container(self, container: str) -> bool:
        client = self._container(container)
        try:
            with translated(container=container):
                client.delete_container()
        except ContainerNotFoundError:
            return False
        return True

    def list_containers(self, prefix: str = "") -> list[str]:
        if self._service is None:
            return []
        with translated():
            found = self._service.list_containers(name_starts_with=prefix or None)
            return sorted(c.name for c in found)

    def put(
        self,
        container: str,
        name: str,
        data: bytes,
        *,
        content_type: str | None = None,
        metadata: dict[str, str] | None = None,
        overwrite: bool = True,
    ) -> BlobProperties:
        client = self._blob(container, name)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InvalidArgumentError(f"blob data must be bytes, got {type(data).__name__}")
        payload = bytes(data)
        stored_type = content_type or DEFAULT_CONTENT_TYPE
        settings = ContentSettings(content_type=stored_type)
        with translated(container=container, name=name):
            result = client.upload_blob(
                payload, overwrite=overwrite, content_settings=settings, metadata=metadata
            )
        return BlobProperties(
            container=container,
            name=name,
            etag=quoted_etag(result["etag"]),
            last_modified=aware(result["last_modified"]),
            content_length=len(payload),
            content_type=stored_type,
            metadata=dict(metadata or {}),
        )

    def get(self, container: str, name: str) -> DownloadedBlob:
        client = self._blob(container, name)
        with translated(container=container, name=name):
            downloader = client.download_blob()
            content = downloader.readall()
        return DownloadedBlob(content, self._properties(container, downloader.properties))

    def exists(self, container: str, name: str) -> bool:
        client = self._blob(container, name)
        with translated(container=container, name=name):
            return bool(client.exists())

    def delete(self, container: str, name: str) -> bool:
        client = self._blob(container, name)
        try:
            with translated(container=container, name=name):
                client.delete_blob()
        except BlobNotFoundError:
            return False
        return True

    def list_blobs(self, container: str, prefix: str = "") -> list[BlobProperties]:
        client = self._container(container)
        with translated(container=container):
            found = client.list_blobs(name_starts_with=prefix or None, include=["metadata"])
            return sorted((self._properties(container, raw) for raw in found), key=lambda b: b.name)

    def properties(self, container: str, name: str) -> BlobProperties:
        client = self._blob(container, name)
        with translated(container=container, name=name):
            return self._properties(container, client.get_blob_properties())
