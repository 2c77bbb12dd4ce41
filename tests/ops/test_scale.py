"""Two `masthead serve` processes behind nginx on one PostgreSQL and one Redis (bench/scale.py).

CI's PostgreSQL + Redis run executes it; on the embedded default it is skipped. The same
checks run by hand with `make scale-check`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench import scale

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_two_app_servers_behind_nginx_share_everything_and_lose_nothing(tmp_path):
    database_url = os.environ.get("MASTHEAD_DATABASE_URL", "")
    redis_url = os.environ.get("MASTHEAD_REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        pytest.skip("needs MASTHEAD_DATABASE_URL (PostgreSQL) and MASTHEAD_REDIS_URL")
    if not Path(scale.NGINX).exists():
        pytest.skip("nginx is not installed (apt-get install -y nginx-light)")

    lines = scale.scale_check(database_url, redis_url, workdir=tmp_path, progress=lambda line: None)

    assert [line.split(":")[0] for line in lines] == ["meter", "session", "publish", "rules", "payment", "kill"]
