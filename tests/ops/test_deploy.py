"""The container files and the nginx config: what can be checked without a Docker engine."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bench import scale

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _command(service: dict) -> list[str]:
    return service.get("command") or []


def test_compose_runs_postgres_redis_two_app_servers_nginx_and_the_worker(compose):
    services = compose["services"]
    apps = [name for name, service in services.items() if _command(service) == ["serve"]]
    assert len(apps) == 2
    assert [name for name, s in services.items() if _command(s) == ["worker"]] == ["worker"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    for name in [*apps, "worker", "migrate"]:
        env = services[name]["environment"]
        assert env["MASTHEAD_DATABASE_URL"].startswith("postgres://") and "@postgres:" in env["MASTHEAD_DATABASE_URL"]
        assert env["MASTHEAD_REDIS_URL"].startswith("redis://redis:")
        assert "MASTHEAD_SECRET_KEY" in env  # the same key everywhere: sessions and cookies valid on every server
        assert services[name]["build"] == "."
    for name in apps:
        assert "/readyz" in " ".join(services[name]["healthcheck"]["test"])
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "/readyz" in " ".join(services["nginx"]["healthcheck"]["test"])
    assert set(services["nginx"]["depends_on"]) == set(apps)


def test_compose_nginx_uses_the_repository_template_with_every_name_filled_in(compose):
    nginx = compose["services"]["nginx"]
    mounts = [volume.split(":") for volume in nginx["volumes"]]
    assert ["./deploy/nginx/masthead.conf.template", "/etc/nginx/templates/default.conf.template", "ro"] in mounts
    template = (ROOT / "deploy" / "nginx" / "masthead.conf.template").read_text()
    names = set(re.findall(r"\$\{([A-Z_]+)\}", template))
    assert names == {"NGINX_LISTEN", "NGINX_UPSTREAM_SERVERS"}
    assert names <= set(nginx["environment"])
    upstreams = nginx["environment"]["NGINX_UPSTREAM_SERVERS"]
    apps = [name for name, s in compose["services"].items() if _command(s) == ["serve"]]
    assert sorted(re.findall(r"server (\w+):8000", upstreams)) == sorted(apps)


def test_compose_keeps_the_sandbox_books_out_of_the_served_media_folder(compose):
    env = compose["x-masthead"]["environment"]
    assert not env["MASTHEAD_SANDBOX_STORE"].startswith("/var/lib/masthead/media")


def test_the_image_is_slim_runs_as_a_user_and_serves_by_default():
    dockerfile = (ROOT / "Dockerfile").read_text()
    bases = re.findall(r"^FROM (\S+)", dockerfile, flags=re.M)
    assert bases and all(base.startswith("python:3.11-slim") for base in bases)
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.M)
    assert users and not users[-1].startswith(("root", "0"))
    assert 'ENTRYPOINT ["masthead"]' in dockerfile and 'CMD ["serve"]' in dockerfile
    assert re.search(r'^VOLUME \["/var/lib/masthead"\]', dockerfile, flags=re.M)
    assert "MASTHEAD_DATA_DIR=/var/lib/masthead" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "var"} <= set(ignored)


def test_the_rendered_template_retries_on_the_next_server_and_nginx_accepts_it(tmp_path):
    site = scale.render_nginx_site("127.0.0.1:8419", [8417, 8418])
    assert "${" not in site
    assert "server 127.0.0.1:8417" in site and "server 127.0.0.1:8418" in site
    retry = re.search(r"proxy_next_upstream ([^;]+);", site).group(1).split()
    assert "error" in retry and "non_idempotent" not in retry  # a POST is never sent twice
    if not Path(scale.NGINX).exists():
        pytest.skip("nginx is not installed (apt-get install -y nginx-light)")
    (tmp_path / "tmp").mkdir()
    (tmp_path / "masthead.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(scale.NGINX_MAIN.format(root=tmp_path))
    checked = subprocess.run([scale.NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr


@pytest.mark.skipif(not shutil.which("docker"), reason="no docker client")
def test_compose_config_is_valid_where_the_compose_plugin_is_installed(tmp_path):
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        pytest.skip("the docker client has no compose plugin")
    done = subprocess.run(["docker", "compose", "-f", str(ROOT / "compose.yaml"), "config", "-q"], cwd=ROOT,
                          env={"MASTHEAD_SECRET_KEY": "x" * 50, "PATH": "/usr/bin:/bin:/usr/local/bin"},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
