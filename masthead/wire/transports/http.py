"""HTTP(S) polling with ETag / If-Modified-Since: an unchanged feed costs one request and
no parsing (a 304, or a body identical to the last one)."""

from __future__ import annotations

import hashlib

from masthead.wire.transports.base import Document, TooLarge, TransportError, fetch_url, http_get, max_file_bytes


class Http:
    name = "http"

    def documents(self, wire_source) -> list[Document]:
        """The feed's document if it changed, else nothing. Updates the source's validators
        (saved by the caller); raises TransportError on no answer or an error status."""
        headers = {}
        if wire_source.etag:
            headers["If-None-Match"] = wire_source.etag
        if wire_source.last_modified:
            headers["If-Modified-Since"] = wire_source.last_modified
        url = wire_source.location
        try:
            answer = http_get(url, headers=headers)
        except TooLarge:
            return [Document(name=url, data=b"", size=max_file_bytes() + 1, too_large=True, fetch=fetch_url)]
        if answer.status == 304:
            return []
        if answer.status != 200:
            raise TransportError(f"HTTP {answer.status} from {url[:200]}")
        wire_source.etag = answer.headers.get("etag", "")[:300]
        wire_source.last_modified = answer.headers.get("last-modified", "")[:100]
        digest = hashlib.sha256(answer.body).hexdigest()
        if digest == wire_source.last_digest:
            return []
        wire_source.last_digest = digest
        return [Document(name=url, data=answer.body, size=len(answer.body), fetch=fetch_url)]
