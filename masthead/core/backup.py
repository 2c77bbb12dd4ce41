"""Backups of the embedded default: the SQLite databases and the data dir's files, in one archive.

``masthead backup`` copies each SQLite database with SQLite's online backup API (a consistent
copy while the server and the worker go on writing), adds the uploaded files and the secret
key, and writes one ``.tar.gz`` with a manifest of every file's size and SHA-256. It writes
to a ``.partial`` name and renames at the end, so a backup that stops half-way is never
taken for a whole one.

``masthead restore`` reads the manifest first, refuses an archive with a file it does not
name, a path outside its folders, a checksum that differs or a database that fails SQLite's
integrity check, and refuses to overwrite a data dir that holds a database unless told to
(``--force``). What it replaces is moved aside to ``before-restore-<time>/`` in the data
dir, never deleted: a restore loses nothing.

PostgreSQL deployments back up with ``pg_dump`` (docs/operations.md); these commands say so
rather than copy a SQLite file that is not the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

FORMAT = 1
MANIFEST = "manifest.json"
# Archive name -> what it is; every member of an archive is one of these or under media/.
DATABASES = ("db/masthead.sqlite3", "db/tasks.sqlite3", "db/sandbox-gateway.sqlite3")
SECRET_KEY = "files/secret_key"
MEDIA = "media/"

Progress = Callable[[str, int, int], None]


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def _quiet(stage: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class Layout:
    """Where the embedded default keeps each thing (a database path is None when not SQLite)."""

    data_dir: Path
    database: Path | None
    tasks: Path | None
    sandbox: Path | None
    media: Path

    @classmethod
    def from_settings(cls) -> "Layout":
        from django.conf import settings
        from django.db import connections

        db = connections["default"].settings_dict
        database = Path(db["NAME"]) if db["ENGINE"].endswith("sqlite3") else None
        huey = settings.HUEY if isinstance(settings.HUEY, dict) else {}
        tasks = Path(huey["filename"]) if huey.get("huey_class", "").endswith("SqliteHuey") and huey.get("filename") else None
        return cls(Path(settings.DATA_DIR), database, tasks, Path(settings.MASTHEAD_SANDBOX_STORE), Path(settings.MEDIA_ROOT))

    def targets(self) -> dict[str, Path | None]:
        return {
            "db/masthead.sqlite3": self.database,
            "db/tasks.sqlite3": self.tasks,
            "db/sandbox-gateway.sqlite3": self.sandbox,
            SECRET_KEY: self.data_dir / "secret_key",
        }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_database(source: Path, target: Path, progress: Progress = _quiet, stage: str = "database") -> None:
    """A consistent copy of a live SQLite database (the online backup API, in steps of pages)."""
    src = sqlite3.connect(source, timeout=20)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=256, progress=lambda status, remaining, total: progress(stage, total - remaining, total))
    finally:
        dst.close()
        src.close()


def backup(archive: Path, layout: Layout | None = None, progress: Progress = _quiet) -> dict:
    """Write the data dir's databases and files to `archive` (.tar.gz); returns the manifest."""
    layout = layout or Layout.from_settings()
    if layout.database is None:
        raise BackupError("The database is PostgreSQL: back it up with pg_dump (see docs/operations.md). "
                          "`masthead backup` copies the embedded SQLite default.")
    if not layout.database.exists():
        raise BackupError(f"There is no database at {layout.database} yet: nothing to back up.")
    archive = Path(archive)
    if archive.exists():
        raise BackupError(f"{archive} already exists: choose a new name (a backup never overwrites one).")
    archive.parent.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="masthead-backup-", dir=archive.parent) as staging:
        staged: list[tuple[str, Path]] = []
        for name, source in layout.targets().items():
            if source is None or not source.exists():
                continue
            copy = Path(staging) / name.replace("/", "__")
            if name.startswith("db/"):
                copy_database(source, copy, progress, name.removeprefix("db/"))
            else:
                shutil.copyfile(source, copy)
            staged.append((name, copy))
        media = sorted(p for p in layout.media.rglob("*") if p.is_file()) if layout.media.exists() else []
        for path in media:
            staged.append((MEDIA + path.relative_to(layout.media).as_posix(), path))
        for name, path in staged:
            files[name] = {"size": path.stat().st_size, "sha256": _sha256(path)}
        manifest = {"format": FORMAT, "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                    "files": files}
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            body = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(dt.datetime.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(body))
            for done, (name, path) in enumerate(staged, start=1):
                tar.add(path, arcname=name, recursive=False)
                progress("archive", done, len(staged))
        os.replace(partial, archive)
    return manifest


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name not in ("", ".")


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.load(tar.extractfile(member))
    except (KeyError, ValueError, AttributeError, TypeError):
        raise BackupError("This is not a Masthead backup: it has no readable manifest.json.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise BackupError(f"This backup's format ({manifest.get('format') if isinstance(manifest, dict) else '?'}) "
                          f"is not one this version reads ({FORMAT}).")
    return manifest


def restore(archive: Path, layout: Layout | None = None, *, force: bool = False, progress: Progress = _quiet) -> dict:
    """Put a backup's databases and files in place; returns what was restored and moved aside.

    Stop `masthead serve` and `masthead worker` first: a database replaced under a running
    server is not seen by connections it already holds.
    """
    layout = layout or Layout.from_settings()
    if layout.database is None:
        raise BackupError("The database is PostgreSQL: restore it with pg_restore (see docs/operations.md).")
    if layout.database.exists() and not force:
        raise BackupError(f"{layout.database} already holds a database. Restoring replaces it (the current "
                          "files are kept under before-restore-<time>/): run again with --force to go ahead.")
    try:
        tar = tarfile.open(archive, "r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{archive} cannot be read as a backup: {exc}") from None
    layout.data_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=layout.data_dir))
    try:
        with tar:
            manifest = read_manifest(tar)
            expected = manifest["files"]
            for name in expected:
                if not _safe_member(name) or not (name in DATABASES or name == SECRET_KEY or name.startswith(MEDIA)):
                    raise BackupError(f"The backup names a file Masthead does not restore: {name!r}.")
            if "db/masthead.sqlite3" not in expected:
                raise BackupError("The backup holds no database (db/masthead.sqlite3).")
            members = [m for m in tar.getmembers() if m.name != MANIFEST]
            unknown = sorted({m.name for m in members} - set(expected))
            if unknown:
                raise BackupError(f"The backup holds files its manifest does not list: {unknown[:5]}.")
            missing = sorted(set(expected) - {m.name for m in members})
            if missing:
                raise BackupError(f"The backup is incomplete: {missing[:5]} missing.")
            for done, member in enumerate(members, start=1):
                if not member.isfile():
                    raise BackupError(f"The backup's {member.name!r} is not a plain file.")
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out)
                if _sha256(target) != expected[member.name].get("sha256"):
                    raise BackupError(f"The backup's {member.name} does not match its checksum: the archive is damaged.")
                progress("check", done, len(members))
        for name in DATABASES:
            path = staging / name
            if path.exists():
                with sqlite3.connect(path) as check:
                    verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
                if verdict != "ok":
                    raise BackupError(f"The backup's {name} fails SQLite's integrity check ({verdict}).")
        aside = _put_in_place(staging, layout, progress)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {"created": manifest.get("created"), "files": len(expected), "moved_aside": str(aside) if aside else ""}


def _put_in_place(staging: Path, layout: Layout, progress: Progress) -> Path | None:
    from django.db import connections

    connections.close_all()  # this process's handles on the files about to be replaced
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    aside = layout.data_dir / f"before-restore-{stamp}"
    moved = False

    def move_aside(path: Path, name: str) -> None:
        nonlocal moved
        if path.exists():
            (aside / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), aside / name)
            moved = True

    for name, target in layout.targets().items():
        source = staging / name
        if target is None or not source.exists():
            continue
        move_aside(target, name)
        if name.startswith("db/"):
            for suffix in ("-wal", "-shm"):  # the old database's journal must not meet the new file
                move_aside(Path(str(target) + suffix), name + suffix)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(source), target)
    media = staging / "media"
    if media.exists():
        move_aside(layout.media, "media")
        shutil.move(str(media), layout.media)
    elif layout.media.exists() and any(layout.media.iterdir()):
        move_aside(layout.media, "media")  # the backup had no uploads: neither does the restore
        layout.media.mkdir(parents=True)
    progress("restore", 1, 1)
    return aside if moved else None
