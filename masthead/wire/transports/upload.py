"""Files an editor uploads in the admin (Wire sources › Upload files)."""

from __future__ import annotations

from masthead.wire.transports.base import Document, fetch_url, max_file_bytes


def documents_from_uploads(files) -> list[Document]:
    """Uploaded files as Documents (read no further than the size limit)."""
    limit = max_file_bytes()
    found = []
    for upload in files:
        too_large = upload.size > limit
        data = b"" if too_large else upload.read(limit + 1)
        found.append(Document(name=upload.name, data=data, size=upload.size, too_large=too_large, fetch=fetch_url))
    return found


class Upload:
    """A source fed only by uploads has nothing to poll."""

    name = "upload"

    def documents(self, wire_source) -> list[Document]:
        return []
