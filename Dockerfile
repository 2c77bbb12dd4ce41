# Masthead's image: `masthead serve` (the default) and `masthead worker`, as a user that is not root.
#   docker build -t masthead .
#   docker run --rm -p 8000:8000 -e MASTHEAD_SECRET_KEY=... masthead            # an app server
#   docker run --rm -e MASTHEAD_SECRET_KEY=... masthead worker                   # the worker
# compose.yaml runs the whole production-like set (PostgreSQL, Redis, two app servers, nginx).

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY masthead ./masthead
# Every dependency ships a manylinux wheel: no compiler in either stage.
RUN python -m venv /opt/masthead && /opt/masthead/bin/pip install --no-compile . \
    && /opt/masthead/bin/pip install --no-compile 'sentry-sdk>=2.0,<3'

FROM python:3.11-slim-bookworm
ENV PATH=/opt/masthead/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MASTHEAD_DATA_DIR=/var/lib/masthead \
    MASTHEAD_HOST=0.0.0.0 \
    PORT=8000
RUN groupadd --system --gid 10001 masthead \
    && useradd --system --uid 10001 --gid masthead --home-dir /var/lib/masthead --shell /usr/sbin/nologin masthead \
    && mkdir -p /var/lib/masthead/media /var/lib/masthead-shared \
    && chown -R masthead:masthead /var/lib/masthead /var/lib/masthead-shared
COPY --from=build /opt/masthead /opt/masthead
USER masthead:masthead
WORKDIR /var/lib/masthead
# The data dir: the secret key when none is set, collected static files, uploads (media/,
# shared between app servers), and the SQLite files of the embedded default.
VOLUME ["/var/lib/masthead"]
EXPOSE 8000
# Ready means the database, migrations, Redis, the queue and storage all answer (/readyz).
HEALTHCHECK --interval=10s --timeout=3s --start-period=40s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('PORT', '8000'), timeout=2)"
ENTRYPOINT ["masthead"]
CMD ["serve"]
