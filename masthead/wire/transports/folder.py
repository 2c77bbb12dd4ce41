"""The watched folder: every file in it is a document; done ones move to `processed/`,
failed ones to `failed/` with `<name>.error.txt` beside them, so nothing is lost and
nothing is read twice."""

from __future__ import annotations

import shutil
from pathlib import Path

from masthead.wire.transports.base import Document, TooLarge, fetch_url, max_file_bytes, max_picture_bytes, read_limited

PROCESSED, FAILED = "processed", "failed"


def picture_reader(root: Path):
    """Pictures named by a relative path (or file: URL) inside `root`, or an http(s) URL."""
    root = root.resolve()

    def fetch(href: str) -> bytes:
        if href.startswith(("http://", "https://")):
            return fetch_url(href)
        relative = href[len("file://"):] if href.startswith("file://") else href
        path = (root / relative.lstrip("/")).resolve() if not Path(relative).is_absolute() else Path(relative).resolve()
        if root not in path.parents:
            raise FileNotFoundError(f"{href!r} is outside the folder {root}")
        data, size, too_large = read_limited(path, max_picture_bytes())
        if too_large:
            raise TooLarge(f"{href}: {size} bytes")
        return data

    return fetch


def _aside(path: Path, folder: str) -> Path:
    target_dir = path.parent / folder
    target_dir.mkdir(exist_ok=True)
    target, n = target_dir / path.name, 1
    while target.exists():
        n += 1
        target = target_dir / f"{path.stem}.{n}{path.suffix}"
    shutil.move(str(path), target)
    return target


def files_in(folder: Path) -> list[Path]:
    """The files waiting in a folder (not hidden, not partial uploads, oldest name first)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and not p.name.endswith((".part", ".tmp", ".error.txt")))


def document_for(path: Path, *, move: bool, root: Path | None = None) -> Document:
    """One file as a Document; with `move`, finishing moves it aside."""
    limit = max_file_bytes()
    data, size, too_large = read_limited(path, limit)

    def finish(error: str | None) -> None:
        if not move or not path.exists():
            return
        target = _aside(path, FAILED if error else PROCESSED)
        if error:
            target.with_name(target.name + ".error.txt").write_text(error + "\n", encoding="utf-8")

    return Document(name=str(path), data=data, size=size, too_large=too_large,
                    fetch=picture_reader(root or path.parent), finish=finish)


class Folder:
    name = "folder"

    def documents(self, wire_source) -> list[Document]:
        folder = Path(wire_source.location).expanduser()
        return [document_for(path, move=True, root=folder) for path in files_in(folder)]
