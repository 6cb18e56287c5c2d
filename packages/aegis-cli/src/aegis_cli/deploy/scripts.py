# ruff: noqa: E501  (shell text: a long line reads better than a split command)
"""The shell scripts run on the server (POSIX sh plus GNU coreutils, as on Debian).

Values never appear inside these texts: `with_values` prepends `NAME='value'` lines built with
`shlex.quote`, and the scripts only ever use "$NAME". The layout on the server:

    $APP/releases/<id>/      one folder per deploy: the project files and its .env
    $APP/current             symlink to the release that runs (switched once it is healthy)
    $APP/releases.log        "<id> active|failed|built <time>", one line per event
    $APP/backups/<id>/       release, files.tar.gz (the release folder), data.tar.gz (the data
                             volume, SQLite files copied with SQLite's backup API), db.sql
    $APP/.aegis/             activation scripts and their logs
"""

from __future__ import annotations

import shlex

# Exit codes of the activation script, read by `aegis deploy`.
ACTIVE = 0
ROLLED_BACK = 10
ROLLBACK_FAILED = 11
FAILED_NO_PREVIOUS = 12


def with_values(script: str, **values: str | int) -> str:
    lines = [f"{name}={shlex.quote(str(value))}" for name, value in values.items()]
    return "\n".join(["set -u", *lines, script])


FUNCTIONS = r"""
compose() {  # in a release folder: its production overrides too, when it has them (ingress)
  if [ -f docker-compose.prod.yml ]; then
    docker compose -p "$NAME" -f docker-compose.yml -f docker-compose.prod.yml "$@"
  else
    docker compose -p "$NAME" "$@"
  fi
}

restore_images() {  # retag the images a release was built with (file: "<image> <tag>")
  if [ -f "$APP/releases/$1/.aegis-images" ]; then
    while read -r image tag; do
      [ -n "$image" ] && docker tag "$tag" "$image"
    done < "$APP/releases/$1/.aegis-images"
  fi
}

wait_healthy() {  # $1: seconds; succeeds once the web container passes its health check
  end=$(( $(date +%s) + $1 ))
  state=""
  while :; do
    cid=$(compose ps -q web 2>/dev/null | head -n 1)
    if [ -n "$cid" ]; then
      state=$(docker inspect --format \
        '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.RestartCount}}' \
        "$cid" 2>/dev/null)
      case "$state" in
        "running healthy 0"|"running none 0") echo "web is healthy"; return 0 ;;
        *unhealthy*) echo "web failed its health check"; return 1 ;;
        exited*|dead*|restarting*) echo "web stopped (${state%% *})"; return 1 ;;
        *" 0") ;;
        *) echo "web crashed and restarted"; return 1 ;;
      esac
    fi
    if [ "$(date +%s)" -ge "$end" ]; then
      echo "web was not healthy after $1 s (${state:-no container})"; return 1
    fi
    sleep 2
  done
}
"""

PREPARE = r"""
mkdir -p "$APP/releases" "$APP/backups" "$APP/.aegis" || exit 1
command -v docker >/dev/null 2>&1 || {
  echo "Docker is not installed on the server (run aegis deploy-setup)" >&2; exit 20; }
docker compose version >/dev/null 2>&1 || {
  echo "Docker Compose v2 is missing on the server (docker compose version fails)" >&2; exit 21; }
free=$(df -Pk "$APP" | awk 'NR==2 {print $4}')
if [ "${free:-0}" -lt "$MIN_FREE_KB" ]; then
  echo "the disk holding $APP is full: $((${free:-0} / 1024)) MB free, $((MIN_FREE_KB / 1024)) MB needed" >&2
  exit 22
fi
current=$(readlink "$APP/current" 2>/dev/null || true)
echo "current=${current#releases/}"
for id in $(ls "$APP/releases"); do echo "release=$id"; done
"""

CONFIG = r"""
cd "$APP/releases/$NEW" && compose config --format json
"""

BUILD = r"""
cd "$APP/releases/$NEW" || exit 1
compose build 2>&1 || exit 1
: > .aegis-images
"""

TAG = r"""
docker tag "$IMAGE" "$TAG" && printf '%s %s\n' "$IMAGE" "$TAG" >> "$APP/releases/$NEW/.aegis-images"
"""

ACTIVATE = r"""
cd "$APP/releases/$NEW" || { echo "release $NEW is missing"; exit 3; }
echo "starting release $NEW"
restore_images "$NEW"
if compose up -d --no-build --remove-orphans 2>&1 && wait_healthy "$TIMEOUT"; then
  ln -sfn "releases/$NEW" "$APP/current.new" && mv -Tf "$APP/current.new" "$APP/current"
  echo "$NEW active $(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$APP/releases.log"
  exit 0
fi
echo "$NEW failed $(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$APP/releases.log"
echo "--- last lines of web ($NEW):"
compose logs --no-color --tail 15 web 2>&1
cid=$(compose ps -q web 2>/dev/null | head -n 1)
if [ -n "$cid" ]; then
  echo "--- its health check said:"
  docker inspect --format '{{if .State.Health}}{{range .State.Health.Log}}{{.Output}}{{end}}{{end}}' "$cid" 2>/dev/null | tail -n 3
fi
if [ -z "$PREV" ] || [ ! -d "$APP/releases/$PREV" ]; then exit 12; fi
echo "--- bringing release $PREV back"
restore_images "$PREV"
cd "$APP/releases/$PREV" || exit 11
if compose up -d --no-build --remove-orphans 2>&1 && wait_healthy "$TIMEOUT"; then
  echo "$PREV active $(date -u +%Y-%m-%dT%H:%M:%SZ) (rollback)" >> "$APP/releases.log"
  exit 10
fi
exit 11
"""

DETACH = r"""
mkdir -p "$APP/.aegis" || exit 1
job="$APP/.aegis/activate-$NEW"
printf '%s\n' "$BODY" > "$job.sh"
rm -f "$job.rc" "$job.log"
# Its own session: a dropped connection or Ctrl-C here does not stop the switch half-way.
# One switch at a time (flock): a second deploy's switch waits for the first to finish.
setsid flock "$APP/.aegis/switch.lock" \
  sh -c 'sh "$1.sh" > "$1.log" 2>&1 < /dev/null; echo $? > "$1.rc"' sh "$job" < /dev/null &
pid=$!
while [ ! -f "$job.log" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
tail -n +1 -f --pid="$pid" "$job.log" 2>/dev/null
wait "$pid" 2>/dev/null
exit "$(cat "$job.rc" 2>/dev/null || echo 99)"
"""

PRUNE = r"""
cd "$APP/releases" || exit 0
current=$(readlink "$APP/current" 2>/dev/null); current=${current#releases/}
keep=$(ls -1 | sort | tail -n "$KEEP")
for id in $(ls -1); do
  case " $(echo $keep) $current " in *" $id "*) continue ;; esac
  if [ -f "$id/.aegis-images" ]; then
    while read -r image tag; do [ -n "$tag" ] && docker rmi "$tag" >/dev/null 2>&1; done < "$id/.aegis-images"
  fi
  rm -rf "$id" && echo "removed old release $id"
done
"""

SETUP = r"""
step() { printf '%s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else return 1; fi; }
debian() { [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; }
if command -v docker >/dev/null 2>&1; then
  step "ok docker: present ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo 'engine not answering'))"
elif debian; then
  step "doing docker: installing docker.io with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null ||
  { echo "installing Docker with apt-get failed (need root or passwordless sudo)" >&2; exit 20; }
  # systemd starts it on most servers; `service` where the init system is not systemd.
  as_root systemctl enable --now docker >/dev/null 2>&1 || as_root service docker start >/dev/null 2>&1 || true
  step "ok docker: installed"
else
  echo "Docker is not installed and this is not a Debian server: install Docker Engine, then run deploy-setup again" >&2
  exit 20
fi
if [ "$(id -u)" != 0 ] && ! id -nG | tr ' ' '\n' | grep -qx docker; then
  as_root usermod -aG docker "$(id -un)" >/dev/null 2>&1 &&
  step "ok docker group: $(id -un) added (from the next login, docker needs no sudo)" ||
  step "skip docker group: could not add $(id -un) to it (needs root or passwordless sudo)"
fi
# A group just joined counts from the next login only: `sg` asks with it in this session.
docker info >/dev/null 2>&1 || sg docker -c 'docker info' >/dev/null 2>&1 || {
  echo "Docker is installed but its engine does not answer for $(id -un) (is dockerd running? is the user in the docker group?)" >&2; exit 20; }
if docker compose version >/dev/null 2>&1; then
  step "ok compose: present ($(docker compose version --short 2>/dev/null))"
elif debian; then
  step "doing compose: installing docker-compose with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null 2>&1 || true
  docker compose version >/dev/null 2>&1 || {
    echo "Docker Compose v2 is missing (docker compose version fails; Debian 12's docker-compose is the old v1): install docker-compose-plugin from Docker's apt repository, then run deploy-setup again" >&2; exit 21; }
  step "ok compose: installed"
else
  echo "Docker Compose v2 is missing (docker compose version fails)" >&2; exit 21
fi
# ufw lives in /usr/sbin, which is not on a non-root user's PATH on Debian.
UFW=$(command -v ufw 2>/dev/null || { [ -x /usr/sbin/ufw ] && echo /usr/sbin/ufw; } || true)
if [ -n "$UFW" ]; then
  as_root "$UFW" allow "$SSH_PORT/tcp" >/dev/null && as_root "$UFW" allow 80/tcp >/dev/null &&
  as_root "$UFW" allow 443/tcp >/dev/null && as_root "$UFW" --force enable >/dev/null &&
  step "ok firewall: ufw allows $SSH_PORT (ssh), 80 and 443, denies the rest" ||
  step "skip firewall: ufw present but could not be configured as $(id -un)"
else
  step "skip firewall: ufw is not installed (apt-get install ufw, then run deploy-setup again)"
fi
if [ -d "$APP/releases" ] && [ -d "$APP/backups" ]; then
  step "ok app folder: $APP present"
else
  mkdir -p "$APP/releases" "$APP/backups" "$APP/.aegis" 2>/dev/null ||
  as_root sh -c 'mkdir -p "$1/releases" "$1/backups" "$1/.aegis" && chown -R "$2" "$1"' sh "$APP" "$(id -un)" ||
  { echo "cannot create the app folder $APP as $(id -un)" >&2; exit 23; }
  step "ok app folder: $APP created"
fi
free=$(df -Pk "$APP" | awk 'NR==2 {print $4}')
step "ok disk: $((${free:-0} / 1024)) MB free under $APP"
"""

STATUS = r"""
current=$(readlink "$APP/current" 2>/dev/null || true)
if [ -z "$current" ]; then echo "release: none (nothing deployed yet)"; exit 0; fi
echo "release: ${current#releases/}"
cd "$APP/current" || exit 1
compose ps -a --format '{{.Service}}	{{.State}}	{{.Status}}' 2>&1
echo "history:"
tail -n 5 "$APP/releases.log" 2>/dev/null | sed 's/^/  /'
"""

IN_CURRENT = r"""
cd "$APP/current" 2>/dev/null || { echo "nothing is deployed yet (aegis deploy)" >&2; exit 30; }
"""

DATA_TAR = r"""
import os, sqlite3, sys, tarfile, tempfile
root = "data"
with tarfile.open(fileobj=sys.stdout.buffer, mode="w|gz") as tar:
    for folder, _, names in os.walk(root):
        for name in sorted(names):
            path = os.path.join(folder, name)
            arcname = os.path.relpath(path, root)
            if name.endswith(("-wal", "-shm", "-journal")):
                continue
            with open(path, "rb") as file:
                head = file.read(16)
            if head != b"SQLite format 3\x00":
                tar.add(path, arcname=arcname)
                continue
            with tempfile.TemporaryDirectory() as tmp:
                copy = os.path.join(tmp, "copy.db")
                source, target = sqlite3.connect(path), sqlite3.connect(copy)
                source.backup(target)
                target.close(), source.close()
                tar.add(copy, arcname=arcname)
"""

BACKUP = r"""
umask 077  # a backup holds the release's .env
cd "$APP/current" 2>/dev/null || { echo "nothing is deployed yet: no backup to make" >&2; exit 30; }
release=$(readlink "$APP/current"); release=${release#releases/}
dir="$APP/backups/$ID"
mkdir -p "$dir" || exit 1
printf '%s\n' "$release" > "$dir/release"
tar -czf "$dir/files.tar.gz" -C "$APP/releases/$release" . || { echo "copying the release files failed" >&2; exit 1; }
if [ -n "$(compose ps -q --status running web 2>/dev/null)" ]; then
  compose exec -T web python -c "$DATA_TAR" > "$dir/data.tar.gz"
else
  compose run --rm --no-deps -T web python -c "$DATA_TAR" > "$dir/data.tar.gz"
fi || { echo "copying the data volume failed" >&2; rm -rf "$dir"; exit 1; }
url=$(grep -E '^DATABASE_URL=' .env 2>/dev/null | tail -n 1 | cut -d= -f2- | tr -d '"'"'")
if compose config --services 2>/dev/null | grep -qx postgres; then
  # the project's own PostgreSQL service (database[postgres]): pg_dump inside it
  compose exec -T postgres sh -c 'pg_dump --no-owner --clean --if-exists -U "$POSTGRES_USER" "$POSTGRES_DB"' \
    > "$dir/db.sql" 2> "$dir/pg_dump.err" ||
    { echo "pg_dump failed: $(tail -n 1 "$dir/pg_dump.err")" >&2; rm -rf "$dir"; exit 1; }
  rm -f "$dir/pg_dump.err"; echo "database: pg_dump of the postgres service"
else
  case "$url" in
    postgres*)  # an outside PostgreSQL: the server's own pg_dump, the URL never on screen
      command -v pg_dump >/dev/null 2>&1 || { echo "pg_dump is not on the server (apt-get install postgresql-client)" >&2; rm -rf "$dir"; exit 1; }
      pg_dump --no-owner --clean --if-exists "$(printf '%s' "$url" | sed 's/+[a-z0-9]*:/:/')" > "$dir/db.sql" 2> "$dir/pg_dump.err" ||
        { echo "pg_dump failed: $(tail -n 1 "$dir/pg_dump.err")" >&2; rm -rf "$dir"; exit 1; }
      rm -f "$dir/pg_dump.err"; echo "database: pg_dump" ;;
    *) echo "database: SQLite files copied with the data volume" ;;
  esac
fi
echo "backup $ID of release $release: $(du -sk "$dir" | cut -f1) kB"
"""

BACKUPS = r"""
cd "$APP/backups" 2>/dev/null || exit 0
for id in $(ls -1 | sort); do
  [ -f "$id/release" ] || continue
  printf '%s\t%s\t%s kB\t%s\n' "$id" "$(cat "$id/release")" "$(du -sk "$id" | cut -f1)" "$(ls "$id" | tr '\n' ' ')"
done
"""

RESTORE_FILES = r"""
src="$APP/backups/$BACKUP"
[ -f "$src/files.tar.gz" ] || { echo "no backup $BACKUP on the server (aegis deploy-backups lists them)" >&2; exit 31; }
mkdir -p "$APP/releases/$NEW" && tar -xzf "$src/files.tar.gz" -C "$APP/releases/$NEW" || exit 1
rm -f "$APP/releases/$NEW/.aegis-images"
echo "files of backup $BACKUP (release $(cat "$src/release")) unpacked into release $NEW"
"""

RESTORE_DATA = r"""
src="$APP/backups/$BACKUP"
cd "$APP/releases/$NEW" || exit 1
compose stop 2>&1 || exit 1
compose run --rm --no-deps -T web sh -c 'find data -mindepth 1 -delete && tar -xzf - -C data' \
  < "$src/data.tar.gz" 2>&1 || { echo "restoring the data volume failed" >&2; exit 1; }
echo "data volume restored from backup $BACKUP"
if [ -f "$src/db.sql" ]; then
  if compose config --services 2>/dev/null | grep -qx postgres; then
    compose start postgres 2>&1 || exit 1
    n=0; until compose exec -T postgres sh -c 'pg_isready -q -U "$POSTGRES_USER"' 2>/dev/null; do
      n=$((n + 1)); [ "$n" -lt 60 ] || { echo "PostgreSQL did not answer in 60 s" >&2; exit 1; }; sleep 1; done
    compose exec -T postgres sh -c 'psql -q -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" "$POSTGRES_DB"' \
      < "$src/db.sql" > /dev/null || { echo "restoring the PostgreSQL dump failed" >&2; exit 1; }
  else
    url=$(grep -E '^DATABASE_URL=' .env | tail -n 1 | cut -d= -f2- | tr -d '"'"'")
    psql -q -v ON_ERROR_STOP=1 "$(printf '%s' "$url" | sed 's/+[a-z0-9]*:/:/')" < "$src/db.sql" > /dev/null ||
      { echo "restoring the PostgreSQL dump failed" >&2; exit 1; }
  fi
  echo "database restored from db.sql"
fi
"""
