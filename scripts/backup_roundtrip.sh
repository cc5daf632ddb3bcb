#!/usr/bin/env bash
# Proves the README's backup and restore ("Backups") on this machine: the database with pg_dump
# and pg_restore, the media with tar.
#
#   scripts/backup_roundtrip.sh          (make backup-check)
#
# 1. A fresh source database (BACKUP_SOURCE_URL, default .../directory_backup_source on
#    BACKUP_SERVER_URL, default postgres://postgres@127.0.0.1:5432) gets the migrations and the
#    demo data (seed_demo), and a media folder gets two logos stored as the app stores them.
# 2. Backup: pg_dump --format=custom of the database, tar of the media folder.
# 3. Restore: a new, empty database (directory_backup_restored) from the dump with pg_restore,
#    and a new media folder from the tar.
# 4. Compare: the row count and a checksum of the rows (md5 of every row's text, sorted) of
#    every table, the companies' own checksum printed apart, and every media file's sha256.
#    Any difference fails the script.
#
# Both databases are dropped at the end. Not part of `make test` (about a minute).
set -euo pipefail

cd "$(dirname "$0")/.."
server="${BACKUP_SERVER_URL:-postgres://postgres@127.0.0.1:5432}"
source_url="${BACKUP_SOURCE_URL:-$server/directory_backup_source}"
restored_url="$server/directory_backup_restored"
python="${PYTHON:-$(command -v .venv/bin/python || command -v python3)}"
work=$(mktemp -d)
say() { echo "backup_roundtrip.sh: $*"; }

cleanup() {
  psql -q "$server/postgres" -c 'DROP DATABASE IF EXISTS directory_backup_restored WITH (FORCE)'
  if [ -z "${BACKUP_SOURCE_URL:-}" ]; then
    psql -q "$server/postgres" -c 'DROP DATABASE IF EXISTS directory_backup_source WITH (FORCE)'
  fi
  rm -rf "$work"
}
trap cleanup EXIT

export DEBUG=0 PLAIN_STATIC=1 SECURE_SSL_REDIRECT=0 LOG_LEVEL=WARNING
export DJANGO_SETTINGS_MODULE=directory.settings
export PGOPTIONS="-c client_min_messages=warning"
export SECRET_KEY=backup-roundtrip-only-secret-key-not-for-production-0123456789abcdef
export MEDIA_ROOT="$work/media"

# 1. The data to keep.
if [ -z "${BACKUP_SOURCE_URL:-}" ]; then
  say "building the source database: migrations and demo data"
  psql -q "$server/postgres" -c 'DROP DATABASE IF EXISTS directory_backup_source WITH (FORCE)'
  psql -q "$server/postgres" -c 'CREATE DATABASE directory_backup_source'
  DATABASE_URL="$source_url" "$python" manage.py migrate --noinput -v0
  DATABASE_URL="$source_url" "$python" manage.py seed_demo >/dev/null
fi
DATABASE_URL="$source_url" "$python" - <<'PY'
import io

import django

django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from members.logos import prepare_logo
from members.models import Company
from members.services import company_save

for company, colour in zip(Company.objects.order_by("pk")[:2], ("teal", "orange"), strict=False):
    data = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(data, "PNG")
    company.logo = prepare_logo(SimpleUploadedFile("logo.png", data.getvalue()))
    company_save(company=company)
PY

# 2. Backup. --no-owner and --no-privileges: the restore may run as another role.
say "backing up"
pg_dump --format=custom --no-owner --no-privileges --file="$work/directory.dump" "$source_url"
tar -C "$MEDIA_ROOT" -czf "$work/media.tar.gz" .
ls -l "$work/directory.dump" "$work/media.tar.gz"

# 3. Restore into a new, empty database and a new media folder.
say "restoring into a fresh database"
psql -q "$server/postgres" -c 'DROP DATABASE IF EXISTS directory_backup_restored WITH (FORCE)'
psql -q "$server/postgres" -c 'CREATE DATABASE directory_backup_restored'
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$restored_url" \
  "$work/directory.dump"
mkdir "$work/media-restored"
tar -C "$work/media-restored" -xzf "$work/media.tar.gz"

# 4. Compare, table by table.
fingerprint() {  # one line per table: name, rows, md5 of its sorted rows
  psql -X -q -A -t "$1" <<'SQL'
CREATE TEMP TABLE fingerprints (name text, count bigint, checksum text);
DO $$
DECLARE t record;
BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename LOOP
    EXECUTE format(
      'INSERT INTO fingerprints SELECT %L, count(*), md5(coalesce(string_agg(r::text, ''|'' '
      'ORDER BY r::text), '''')) FROM %I r', t.tablename, t.tablename);
  END LOOP;
END $$;
SELECT name || ' ' || count || ' ' || checksum FROM fingerprints ORDER BY name;
SQL
}
fingerprint "$source_url" >"$work/source.txt"
fingerprint "$restored_url" >"$work/restored.txt"
(cd "$MEDIA_ROOT" && find . -type f -print0 | sort -z | xargs -0 sha256sum) >"$work/media.txt"
(cd "$work/media-restored" && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
  >"$work/media-restored.txt"

tables=$(wc -l <"$work/source.txt")
rows=$(awk '{ total += $2 } END { print total }' "$work/source.txt")
say "companies: $(grep '^members_company ' "$work/source.txt")"
say "restored: $(grep '^members_company ' "$work/restored.txt")"
if ! diff -u "$work/source.txt" "$work/restored.txt"; then
  say "FAILED: the restored database differs from the source (above)"
  exit 1
fi
if ! diff -u "$work/media.txt" "$work/media-restored.txt"; then
  say "FAILED: the restored media differ (above)"
  exit 1
fi
say "OK: $tables tables, $rows rows and $(wc -l <"$work/media.txt") media files restored identical"
