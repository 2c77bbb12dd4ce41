"""`masthead backup` / `masthead restore` on the embedded default: whole, checked, nothing lost."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from masthead.core.backup import BackupError, Layout, backup, restore


def _database(path: Path, rows: list[str]) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS story (headline TEXT)")
        db.execute("DELETE FROM story")
        db.executemany("INSERT INTO story VALUES (?)", [(row,) for row in rows])


def _headlines(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT headline FROM story ORDER BY rowid")]


@pytest.fixture
def layout(tmp_path) -> Layout:
    data = tmp_path / "data"
    (data / "media" / "articles").mkdir(parents=True)
    found = Layout(data, data / "masthead.sqlite3", data / "tasks.sqlite3", data / "sandbox.sqlite3", data / "media")
    _database(found.database, ["Monsoon arrives early", "Markets close higher"])
    _database(found.tasks, ["a queued task"])
    (data / "secret_key").write_text("the-key")
    (data / "media" / "articles" / "lead.jpg").write_bytes(b"\xff\xd8picture")
    return found


def test_backup_then_restore_brings_back_databases_files_and_key(layout, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    manifest = backup(archive, layout)
    assert set(manifest["files"]) == {"db/masthead.sqlite3", "db/tasks.sqlite3", "files/secret_key",
                                      "media/articles/lead.jpg"}
    # Later: a story deleted, a picture lost, the key changed.
    _database(layout.database, ["Something else"])
    (layout.media / "articles" / "lead.jpg").unlink()
    (layout.media / "new.jpg").write_bytes(b"uploaded after the backup")
    (layout.data_dir / "secret_key").write_text("another-key")

    result = restore(archive, layout, force=True)

    assert _headlines(layout.database) == ["Monsoon arrives early", "Markets close higher"]
    assert _headlines(layout.tasks) == ["a queued task"]
    assert (layout.media / "articles" / "lead.jpg").read_bytes() == b"\xff\xd8picture"
    assert not (layout.media / "new.jpg").exists()
    assert (layout.data_dir / "secret_key").read_text() == "the-key"
    # What the restore replaced is kept, not deleted.
    aside = Path(result["moved_aside"])
    assert _headlines(aside / "db" / "masthead.sqlite3") == ["Something else"]
    assert (aside / "media" / "new.jpg").read_bytes() == b"uploaded after the backup"
    assert (aside / "files" / "secret_key").read_text() == "another-key"


def test_backup_copies_what_is_committed_while_a_writer_holds_the_database(layout, tmp_path):
    writer = sqlite3.connect(layout.database)
    writer.execute("INSERT INTO story VALUES ('committed before the backup')")
    writer.commit()
    writer.execute("BEGIN")
    writer.execute("INSERT INTO story VALUES ('not yet committed')")
    try:
        backup(tmp_path / "online.tar.gz", layout)
    finally:
        writer.rollback()
        writer.close()
    (layout.database).unlink()
    restore(tmp_path / "online.tar.gz", layout)
    assert _headlines(layout.database)[-1] == "committed before the backup"


def test_restore_refuses_to_replace_a_database_without_force(layout, tmp_path):
    backup(tmp_path / "b.tar.gz", layout)
    _database(layout.database, ["kept"])
    with pytest.raises(BackupError, match="--force"):
        restore(tmp_path / "b.tar.gz", layout)
    assert _headlines(layout.database) == ["kept"]


def test_backup_never_overwrites_an_archive_and_leaves_no_partial_file(layout, tmp_path):
    archive = tmp_path / "b.tar.gz"
    archive.write_bytes(b"an older backup")
    with pytest.raises(BackupError, match="already exists"):
        backup(archive, layout)
    assert archive.read_bytes() == b"an older backup"
    assert not list(tmp_path.glob("*.partial"))


def _archive(path: Path, files: dict[str, bytes], manifest: dict | None = None) -> Path:
    import hashlib

    manifest = manifest or {"format": 1, "files": {
        name: {"size": len(body), "sha256": hashlib.sha256(body).hexdigest()} for name, body in files.items()}}
    with tarfile.open(path, "w:gz") as tar:
        for name, body in {"manifest.json": json.dumps(manifest).encode(), **files}.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return path


def _sqlite_bytes(tmp_path: Path) -> bytes:
    path = tmp_path / "source.sqlite3"
    _database(path, ["from the archive"])
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.read_bytes()


@pytest.mark.parametrize("shape, message", [
    ("traversal", "does not restore"),
    ("unlisted", "does not list"),
    ("checksum", "checksum"),
    ("no_manifest", "no readable manifest"),
    ("not_sqlite", "integrity|not a database|file is not"),
    ("no_database", "no database"),
])
def test_restore_refuses_a_bad_archive_and_changes_nothing(layout, tmp_path, shape, message):
    good = _sqlite_bytes(tmp_path)
    archive = tmp_path / f"{shape}.tar.gz"
    if shape == "traversal":
        _archive(archive, {"db/masthead.sqlite3": good, "media/../../escape.txt": b"x"})
    elif shape == "unlisted":
        files = {"db/masthead.sqlite3": good}
        _archive(archive, {**files, "media/extra.jpg": b"x"}, manifest={"format": 1, "files": {
            "db/masthead.sqlite3": {"sha256": __import__("hashlib").sha256(good).hexdigest()}}})
    elif shape == "checksum":
        _archive(archive, {"db/masthead.sqlite3": good}, manifest={"format": 1, "files": {
            "db/masthead.sqlite3": {"sha256": "0" * 64}}})
    elif shape == "no_manifest":
        with tarfile.open(archive, "w:gz") as tar:
            info = tarfile.TarInfo("db/masthead.sqlite3")
            info.size = len(good)
            tar.addfile(info, io.BytesIO(good))
    elif shape == "not_sqlite":
        _archive(archive, {"db/masthead.sqlite3": b"not a database at all" * 100})
    elif shape == "no_database":
        _archive(archive, {"media/lead.jpg": b"x"})
    before = _headlines(layout.database)

    with pytest.raises((BackupError, sqlite3.DatabaseError), match=message):
        restore(archive, layout, force=True)

    assert _headlines(layout.database) == before
    assert (layout.media / "articles" / "lead.jpg").exists()
    assert not (tmp_path / "escape.txt").exists()
    assert not [p for p in layout.data_dir.iterdir() if p.name.startswith((".restore-", "before-restore-"))]


def test_backup_of_postgresql_says_to_use_pg_dump(tmp_path):
    postgres = Layout(tmp_path, None, None, None, tmp_path / "media")
    with pytest.raises(BackupError, match="pg_dump"):
        backup(tmp_path / "b.tar.gz", postgres)
    with pytest.raises(BackupError, match="pg_restore"):
        restore(tmp_path / "b.tar.gz", postgres)


def test_the_commands_back_up_and_restore_a_migrated_data_dir(tmp_path):
    """The real commands, in processes of their own, on a data dir of their own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASTHEAD_")}
    env.update({"MASTHEAD_DATA_DIR": str(tmp_path / "data"), "MASTHEAD_TESTING": "1"})
    archive = tmp_path / "b.tar.gz"

    def masthead(*args: str, ok: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "masthead", *args], env=env, capture_output=True, text=True,
                              timeout=300)
        assert (done.returncode == 0) == ok, done.stderr[-3000:]
        return done

    slugs = "print(sorted(Section.objects.values_list('slug', flat=True)))"
    made = masthead("shell", "-c", f"""
from django.core.management import call_command
from masthead.content.models import Section
call_command("migrate", interactive=False, verbosity=0)
Section.objects.create(name="Mumbai", slug="mumbai")
call_command("backup", "{archive}")
Section.objects.all().delete()
Section.objects.create(name="Later", slug="later")
{slugs}
""")
    assert "Backed up" in made.stdout and made.stdout.strip().endswith("['later']")

    refused = masthead("restore", str(archive), ok=False)
    assert "--force" in refused.stderr
    assert "Restored" in masthead("restore", "--force", str(archive)).stdout
    after = masthead("shell", "-c", f"from masthead.content.models import Section; {slugs}")
    assert after.stdout.strip().endswith("['mumbai']")
