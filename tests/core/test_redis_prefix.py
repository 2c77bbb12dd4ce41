"""One prefix for everything Masthead keeps in Redis, so deployments can share a server."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PRINT = ("import json, django; from django.conf import settings; django.setup(); "
         "from masthead.access.meter.redis import RedisMeterStore; "
         "store = RedisMeterStore('redis://127.0.0.1:1/0'); "
         "print(json.dumps([settings.CACHES['default']['KEY_PREFIX'], settings.HUEY['name'], "
         "store.key('a:xyz', '2026-12')]))")


def _settings(tmp_path, **extra) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASTHEAD_")}
    env.update(DJANGO_SETTINGS_MODULE="masthead.settings", MASTHEAD_DATA_DIR=str(tmp_path),
               MASTHEAD_REDIS_URL="redis://127.0.0.1:1/0", MASTHEAD_TASKS_IMMEDIATE="0", **extra)
    out = subprocess.run([sys.executable, "-c", PRINT], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_cache_the_task_queue_and_the_meter_follow_the_deployments_prefix(tmp_path):
    assert _settings(tmp_path, MASTHEAD_CACHE_PREFIX="daily2") == [
        "daily2", "daily2", "daily2:mh:meter:{a:xyz:2026-12}"]


def test_without_a_prefix_the_meters_keys_stay_where_they_always_were(tmp_path):
    assert _settings(tmp_path) == ["masthead", "masthead", "mh:meter:{a:xyz:2026-12}"]
