#!/usr/bin/env bash
# Durable report ingest: wijkwachtd against PostgreSQL 15 + PostGIS 3 doing the same job, on
# this machine, in one run, loopback / Unix socket only. Prints one table.
#
# PostgreSQL side (durable defaults: fsync on, synchronous_commit on, full_page_writes on):
# one transaction per report calls ingest(), a PL/pgSQL function that
#   1. finds the report's buurt (ST_Contains over the shipped CBS buurt polygons, GiST),
#   2. finds the nearest open incident of the same theme within ~150 m whose last report is
#      at most 36 h before the report (GiST KNN, ORDER BY centre <-> point), locks it and
#      joins it (count, centre, last seen), or opens a new one,
#   3. inserts the report row (primary key plus two indexes: buurt+time, incident),
#   4. upserts the buurt x theme x day counter.
# pgbench runs it at 16, 64 and 128 clients.
#
# wijkwachtd side: wijkwacht_loadgen against a fresh data dir per concurrency, durable
# SubmitReport with authentication on (validation, area, theme, dedup, one synced batch),
# preceded by the bare health check of the same run (the ratio's baseline); then a hot
# incident (5,000+ reports of one event) and the pipeline without the store (--pipeline_only)
# at 128 in flight.
#
# Usage: tools/bench/compare_postgis.sh [seconds per measurement, default 10]
#   (after scripts/build.sh; installs postgresql-15 and postgresql-15-postgis-3 if missing)
# Env: WIJKWACHT_BUILD (build dir, default build), CLIENTS (default "16 64 128"),
#      SKIP_PG=1 (wijkwachtd only), SERVER_FLAGS (extra wijkwachtd flags).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DURATION=${1:-10}
BIN=${WIJKWACHT_BUILD:-build}
CLIENTS=${CLIENTS:-16 64 128}
PG_BIN=/usr/lib/postgresql/15/bin
WORK=$(mktemp -d /tmp/ww-compare.XXXXXX)
chmod 0755 "$WORK"
RESULTS="$WORK/results.tsv"
: >"$RESULTS"

cleanup() {
  if [ -n "${SERVER_PID:-}" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  if [ -f "$WORK/pg/postmaster.pid" ]; then
    su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D '$WORK/pg' -m fast stop" >/dev/null 2>&1 || true
  fi
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RESULTS"; }  # system clients qps p99

# ---------------------------------------------------------------- PostgreSQL + PostGIS
run_postgis() {
  if [ ! -x "$PG_BIN/postgres" ] || [ ! -d /usr/share/postgresql/15/extension ] ||
     ! ls /usr/share/postgresql/15/extension/postgis.control >/dev/null 2>&1; then
    echo "installing postgresql-15 and postgresql-15-postgis-3 ..." >&2
    apt-get install -y postgresql-15 postgresql-15-postgis-3 >/dev/null
  fi
  local pg="$WORK/pg" sock="$WORK/sock"
  mkdir -p "$sock" "$pg" && chown postgres "$sock" "$pg"
  su postgres -s /bin/sh -c "$PG_BIN/initdb -D '$pg' -A trust -U postgres" >/dev/null
  cat >>"$pg/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$sock'
max_connections = 200
shared_buffers = 512MB
EOF
  su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D '$pg' -l '$sock/pg.log' -w start" >/dev/null
  local psql=(su postgres -s /bin/sh -c)
  PSQL() { su postgres -s /bin/sh -c "$PG_BIN/psql -h '$sock' -q -v ON_ERROR_STOP=1 -d postgres $*"; }

  # Buurten of the shipped file, loaded from the GeoJSON (not retyped).
  python3 - "$ROOT/data/areas/ijmond_buurten_2015_wgs84.geojson" >"$WORK/buurten.sql" <<'PY'
import json, sys
features = json.load(open(sys.argv[1]))["features"]
print("BEGIN;")
for f in features:
    code = f["properties"]["BU_CODE"].replace("'", "''")
    geom = json.dumps(f["geometry"]).replace("'", "''")
    print(f"INSERT INTO buurt VALUES ('{code}', ST_SetSRID(ST_GeomFromGeoJSON('{geom}'), 4326));")
print("COMMIT;")
PY
  chmod 0644 "$WORK/buurten.sql"
  cat >"$WORK/schema.sql" <<'SQL'
CREATE EXTENSION postgis;
CREATE TABLE buurt (code text PRIMARY KEY, geom geometry(Geometry, 4326) NOT NULL);
CREATE INDEX ON buurt USING gist (geom);
CREATE TABLE incident (
  id uuid PRIMARY KEY, theme int NOT NULL, centre geometry(Point, 4326) NOT NULL,
  lat_sum float8 NOT NULL, lon_sum float8 NOT NULL, first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL, open boolean NOT NULL DEFAULT true, reports int NOT NULL);
CREATE INDEX incident_open_centre ON incident USING gist (centre) WHERE open;
CREATE TABLE report (
  id uuid PRIMARY KEY, buurt text, theme int NOT NULL, observed timestamptz NOT NULL,
  location geometry(Point, 4326) NOT NULL, description text NOT NULL, incident uuid NOT NULL);
CREATE INDEX ON report (buurt, observed);
CREATE INDEX ON report (incident);
CREATE TABLE counter (buurt text, theme int, day date, reports int NOT NULL,
                      PRIMARY KEY (buurt, theme, day));

CREATE FUNCTION ingest(p_id uuid, p_lat float8, p_lon float8, p_theme int,
                       p_observed timestamptz, p_text text) RETURNS uuid AS $$
DECLARE
  pt geometry := ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326);
  b text;
  inc uuid;
BEGIN
  SELECT code INTO b FROM buurt WHERE ST_Contains(geom, pt) LIMIT 1;
  -- ~150 m: 0.00135 degrees of latitude; longitude degrees are shorter here, so the
  -- geography distance decides.
  SELECT id INTO inc FROM incident
   WHERE open AND theme = p_theme
     AND last_seen >= p_observed - interval '36 hours'
     AND first_seen <= p_observed + interval '36 hours'
     AND ST_DWithin(centre, pt, 0.0025)
     AND ST_DWithin(centre::geography, pt::geography, 150)
   ORDER BY centre <-> pt LIMIT 1 FOR UPDATE;
  IF inc IS NULL THEN
    inc := p_id;
    INSERT INTO incident VALUES (inc, p_theme, pt, p_lat, p_lon, p_observed, p_observed, true, 1);
  ELSE
    UPDATE incident SET reports = reports + 1, lat_sum = lat_sum + p_lat,
           lon_sum = lon_sum + p_lon,
           centre = ST_SetSRID(ST_MakePoint((lon_sum + p_lon) / (reports + 1),
                                            (lat_sum + p_lat) / (reports + 1)), 4326),
           first_seen = least(first_seen, p_observed), last_seen = greatest(last_seen, p_observed)
     WHERE id = inc;
  END IF;
  INSERT INTO report VALUES (p_id, b, p_theme, p_observed, pt, p_text, inc);
  INSERT INTO counter VALUES (b, p_theme, (p_observed AT TIME ZONE 'Europe/Amsterdam')::date, 1)
    ON CONFLICT (buurt, theme, day) DO UPDATE SET reports = counter.reports + 1;
  RETURN inc;
END $$ LANGUAGE plpgsql;
SQL
  chmod 0644 "$WORK/schema.sql"
  PSQL -f "$WORK/schema.sql" >/dev/null
  PSQL -f "$WORK/buurten.sql" >/dev/null
  # One report per transaction: a point scattered (~100-300 m) around Beverwijk's centre and
  # its neighbourhoods, a theme, an observed time within the last three hours, a text.
  cat >"$WORK/ingest.pgbench" <<'EOF'
\set lat 52.470 + random(0, 30000) * 0.000001
\set lon 4.640 + random(0, 35000) * 0.000001
\set theme random(1, 5)
\set minutes random(0, 180)
SELECT ingest(gen_random_uuid(), :lat, :lon, :theme, now() - make_interval(mins => :minutes), 'groep jongeren bij de ingang van de supermarkt, erg intimiderend');
EOF
  chmod 0644 "$WORK/ingest.pgbench"
  for c in $CLIENTS; do
    local out
    out=$(su postgres -s /bin/sh -c "$PG_BIN/pgbench -h '$sock' -n -M prepared -f '$WORK/ingest.pgbench' -c $c -j 2 -T $DURATION postgres" 2>&1 || true)
    local tps lat
    tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out" | head -1)
    lat=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$out")
    echo "postgis c=$c tps=$tps latency_avg_ms=$lat" >&2
    record postgis "$c" "${tps:-0}" "avg ${lat:-?}"
  done
  local rows
  rows=$(PSQL -At -c "'SELECT count(*) || \" reports, \" || (SELECT count(*) FROM incident) || \" incidents\" FROM report'" 2>/dev/null || true)
  echo "postgis stored: $rows" >&2
  su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D '$pg' -m fast stop" >/dev/null
}

# ---------------------------------------------------------------- wijkwachtd
SERVER_PID=
PORT=
start_server() {  # $1 = name; sets SERVER_PID and PORT
  local log="$WORK/$1.log"
  # shellcheck disable=SC2086
  "$BIN/cmd/wijkwachtd/wijkwachtd" --listen=127.0.0.1:0 --http_listen=127.0.0.1:0 \
    --data_dir="$WORK/$1" --device_writes_per_second=1e9 --device_write_burst=1e9 \
    --peer_writes_per_second=1e9 --peer_write_burst=1e9 ${REGISTRATION_LIMIT---device_registration_burst=1e9} \
    ${SERVER_FLAGS:-} >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 200); do
    PORT=$(sed -n 's/.*serving on port \([0-9]*\).*/\1/p' "$log")
    [ -n "$PORT" ] && return
    sleep 0.1
  done
  echo "server $1 did not start" >&2; cat "$log" >&2; exit 1
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; }

json_field() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(d$2)" "$1"; }

run_wijkwacht() {
  local first=1
  for c in $CLIENTS; do
    start_server "ww$c"
    local mode=submit
    [ $first = 1 ] && mode=both
    local line
    line=$("$BIN/tools/loadgen/wijkwacht_loadgen" --target=127.0.0.1:$PORT --mode=$mode \
             --in_flight="$c" --duration="$DURATION" --warmup=2 --json 2>"$WORK/loadgen$c.txt")
    if [ $first = 1 ]; then
      record health "128" "$(json_field "$line" "['health']['qps']")" \
             "$(json_field "$line" "['health']['latency_ms']['p99']")"
      first=0
    fi
    record wijkwacht "$c" "$(json_field "$line" "['submit']['qps']")" \
           "$(json_field "$line" "['submit']['latency_ms']['p99']")"
    echo "wijkwacht c=$c: $(tail -4 "$WORK/loadgen$c.txt" | head -2 | tr '\n' ' ')" >&2
    stop_server
  done
}

# The same durable submit at 128 in flight for one event (a hot incident: every report within
# 50 m and 10 minutes, all joining one incident), and the pipeline without the store.
run_extra() {
  local line
  start_server hot
  line=$("$BIN/tools/loadgen/wijkwacht_loadgen" --target=127.0.0.1:$PORT --mode=submit \
           --scenario=hot --in_flight=128 --duration="$DURATION" --warmup=2 --json \
           2>"$WORK/loadgen-hot.txt")
  record hot "128" "$(json_field "$line" "['submit']['qps']")" \
         "$(json_field "$line" "['submit']['latency_ms']['p99']")"
  echo "hot incident: $(grep 'joined or opened' "$WORK/loadgen-hot.txt")" >&2
  stop_server
  SERVER_FLAGS="${SERVER_FLAGS:-} --pipeline_only" start_server pipeline
  line=$("$BIN/tools/loadgen/wijkwacht_loadgen" --target=127.0.0.1:$PORT --mode=submit \
           --in_flight=128 --duration="$DURATION" --warmup=2 --json 2>"$WORK/loadgen-pipe.txt")
  record pipeline "128" "$(json_field "$line" "['submit']['qps']")" \
         "$(json_field "$line" "['submit']['latency_ms']['p99']")"
  stop_server
}

[ "${SKIP_PG:-0}" = 1 ] || run_postgis
run_wijkwacht
[ "${SKIP_EXTRA:-0}" = 1 ] || run_extra

python3 - "$RESULTS" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
health = next((float(r[2]) for r in rows if r[0] == "health"), None)
pg = {r[1]: float(r[2]) for r in rows if r[0] == "postgis"}
mix128 = next((float(r[2]) for r in rows if r[0] == "wijkwacht" and r[1] == "128"), None)
print()
print("| system | clients / in flight | throughput (/s) | p99 (ms) | x PostGIS same clients | x bare health |")
print("|---|---|---|---|---|---|")
for system, clients, qps, p99 in rows:
    q = float(qps)
    vs_pg = f"{q / pg[clients]:.2f}" if system in ("wijkwacht", "hot") and pg.get(clients) else ""
    vs_h = f"{q / health:.3f}" if health and system != "health" else ""
    name = {"health": "wijkwachtd bare health check",
            "postgis": "PostgreSQL 15 + PostGIS ingest() (pgbench)",
            "wijkwacht": "wijkwachtd durable SubmitReport, auth on",
            "hot": "wijkwachtd durable SubmitReport, one hot incident",
            "pipeline": "wijkwachtd pipeline without the store (--pipeline_only)"}[system]
    print(f"| {name} | {clients} | {q:,.0f} | {p99} | {vs_pg} | {vs_h} |")
hot = next((float(r[2]) for r in rows if r[0] == "hot"), None)
pipe = next((float(r[2]) for r in rows if r[0] == "pipeline"), None)
if hot and mix128:
    print(f"\nhot incident / spread mix at 128: {hot / mix128:.2f}")
if pipe and mix128:
    print(f"durable submit / pipeline ceiling at 128: {mix128 / pipe:.2f}")
PY
