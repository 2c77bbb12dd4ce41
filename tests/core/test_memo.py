import pytest

from masthead.content import freshness
from masthead.core.memo import ProcessMemo


def test_a_token_is_read_once_within_its_seconds(settings):
    settings.MASTHEAD_TOKEN_SECONDS = 60
    reads = []
    memo = ProcessMemo()

    def load():
        reads.append(1)
        return f"token-{len(reads)}"

    assert [memo.get(load), memo.get(load), memo.get(load)] == ["token-1"] * 3
    assert len(reads) == 1


def test_a_change_made_here_is_seen_here_at_once(settings):
    settings.MASTHEAD_TOKEN_SECONDS = 60
    memo = ProcessMemo()
    memo.get(lambda: "old")

    memo.put("new")
    assert memo.get(lambda: "reloaded") == "new"

    memo.clear()
    assert memo.get(lambda: "reloaded") == "reloaded"


def test_zero_seconds_reads_every_time(settings):
    settings.MASTHEAD_TOKEN_SECONDS = 0
    memo = ProcessMemo()
    assert [memo.get(lambda: "a"), memo.get(lambda: "b")] == ["a", "b"]


@pytest.mark.django_db
def test_the_content_version_held_in_process_follows_a_local_change(settings):
    settings.MASTHEAD_TOKEN_SECONDS = 60
    freshness._memo.clear()
    before = freshness.version()

    freshness._bump()

    after = freshness.version()
    assert after != before
    assert after == freshness._read_version()
    freshness._memo.clear()
