#!/usr/bin/env bash
# A throwaway S3 server for the tests: Ceph's RADOS Gateway on loopback (one monitor, one
# in-memory OSD, auth none inside the cluster; S3 requests are signed and verified as usual).
#
#   scripts/s3-server.sh install              install radosgw and faketime (and chromium, for the
#                                             tests of the plugin's image codec) from Debian if missing
#   scripts/s3-server.sh up DIR [PORT] [MON]  start it, state in DIR, S3 on 127.0.0.1:PORT
#   scripts/s3-server.sh skew DIR PORT [OFFSET]
#                                             a second gateway to the same cluster (same users,
#                                             same buckets) whose clock is OFFSET off (default
#                                             +20m), S3 on 127.0.0.1:PORT
#   scripts/s3-server.sh down DIR             stop them
#
# Access key and secret come from AK and SK (defaults below).
set -euo pipefail

install() {
  # Each command is named after the Debian package that has it. Chromium runs the browser
  # tests of the plugin's image codec; the S3 server does not need it.
  local missing=() p
  for p in radosgw ceph-mon ceph-osd faketime chromium; do command -v "$p" >/dev/null || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null; then
      if [ "${missing[*]}" = chromium ]; then
        echo "chromium is not installed and this user cannot install it: the browser tests will be skipped" >&2
        return 0
      fi
      echo "${missing[*]} not installed and this user cannot install them (run as root, or install radosgw ceph-mon ceph-osd faketime chromium)" >&2
      exit 1
    fi
    sudo="sudo"
  fi
  echo "installing ${missing[*]} from Debian (once)..." >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

up() {
  local C=${1:?state dir} RGW_PORT=${2:-7480} MON_PORT=${3:-6789}
  local AK=${AK:-TESTACCESSKEY} SK=${SK:-TESTSECRETKEY123}
  install
  rm -rf "$C"; mkdir -p "$C"/{run,log,mon,osd/osd.0,rgw}
  C=$(cd "$C" && pwd)
  cd "$C"
  local FSID; FSID=$(cat /proc/sys/kernel/random/uuid)
  cat > ceph.conf <<CONF
[global]
fsid = $FSID
mon_host = v1:127.0.0.1:$MON_PORT
public_addr = 127.0.0.1
ms_bind_msgr2 = false
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
mon_max_pg_per_osd = 1000
osd_crush_chooseleaf_type = 0
osd_objectstore = memstore
memstore_device_bytes = 2147483648
# The memory store's count of bytes used can drop below zero after many writes and deletes
# (seen as stat_bytes_used 2^64 - 131,102 in the OSD's perf dump), which it reads as a store far
# past full: it stops taking writes ("full status failsafe engaged ... -2147483648% full") and
# every request hangs until the count comes back. The store holds far less than its size; its
# fullness is not checked, neither by the OSD's own last-resort limit nor by the cluster's.
osd_failsafe_full_ratio = 1e30
mon_osd_full_ratio = 1e30
osd_max_object_name_len = 460
osd_max_object_namespace_len = 64
# A deleted object's data beyond its first 4 MiB is freed by the gateway's garbage collector,
# by default two hours later: runs that put and delete large images would fill the 2 GiB
# memory store long before that, and a full store refuses every write. Freed within a minute.
rgw_gc_obj_min_wait = 0
rgw_gc_processor_period = 30
run_dir = $C/run
admin_socket = $C/run/\$name.asok
pid_file = $C/run/\$name.pid
log_file = $C/log/\$name.log
mon_data = $C/mon/\$name
osd_data = $C/osd/\$name
keyring = $C/keyring
[client.rgw.test]
rgw_frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw_data = $C/rgw
rgw_dns_name = s3.localhost
CONF
  ceph-authtool --create-keyring keyring --gen-key -n mon. --cap mon 'allow *' >/dev/null
  monmaptool --create --addv a "v1:127.0.0.1:$MON_PORT" --fsid "$FSID" monmap >/dev/null
  ceph-mon -c ceph.conf --mkfs -i a --monmap monmap --keyring keyring
  ceph-mon -c ceph.conf -i a
  ceph -c ceph.conf osd create >/dev/null
  ceph-osd -c ceph.conf -i 0 --mkfs 2>/dev/null
  ceph-osd -c ceph.conf -i 0 2>/dev/null
  local i=0
  until ceph -c ceph.conf osd stat 2>/dev/null | grep -q "1 up"; do
    sleep 0.2; i=$((i+1)); [ $i -lt 300 ] || { echo "ceph osd did not come up" >&2; exit 1; }
  done
  radosgw -c ceph.conf -n client.rgw.test
  radosgw-admin -c ceph.conf user create --uid=test --display-name=test --access-key="$AK" --secret="$SK" >/dev/null
  i=0
  until curl -sf -o /dev/null "http://127.0.0.1:$RGW_PORT/"; do
    sleep 0.2; i=$((i+1)); [ $i -lt 300 ] || { echo "radosgw did not answer on port $RGW_PORT" >&2; exit 1; }
  done
  echo "radosgw ready on http://127.0.0.1:$RGW_PORT"
}

# The clock is faked for this one process tree by libfaketime (LD_PRELOAD). Only the wall
# clock moves: with a faked monotonic clock too, radosgw's timed waits would last OFFSET
# longer, and it would neither answer nor stop in time. faketime itself stays in the
# foreground until the daemon exits, so it is sent to the background; the daemon writes its
# own pid file (run/client.rgw.skew.pid), which is what `down` stops.
skew() {
  local C=${1:?state dir} PORT=${2:?port} OFFSET=${3:-+20m}
  command -v faketime >/dev/null || install
  [ -f "$C/ceph.conf" ] || { echo "no cluster in $C: run '$0 up $C' first" >&2; exit 1; }
  C=$(cd "$C" && pwd)
  cd "$C"
  mkdir -p rgw-skew
  DONT_FAKE_MONOTONIC=1 faketime -f "$OFFSET" radosgw -c ceph.conf -n client.rgw.skew \
    --rgw_frontends "beast endpoint=127.0.0.1:$PORT" --rgw_data "$C/rgw-skew" </dev/null >/dev/null 2>&1 &
  local i=0
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/"; do
    sleep 0.05; i=$((i+1)); [ $i -lt 600 ] || { echo "the skewed radosgw did not answer on port $PORT" >&2; exit 1; }
  done
  echo "radosgw with its clock at $OFFSET ready on http://127.0.0.1:$PORT"
}

down() {
  local C=${1:?state dir} n f
  for n in client.rgw.skew client.rgw.test osd.0 mon.a; do f=$C/run/$n.pid; [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  for n in client.rgw.skew client.rgw.test osd.0 mon.a; do
    f=$C/run/$n.pid
    local i=0
    while [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
    [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true
  done
}

cmd=${1:-}; shift || true
case "$cmd" in
  install) install ;;
  up) up "$@" ;;
  skew) skew "$@" ;;
  down) down "$@" ;;
  *) echo "usage: $0 install | up DIR [PORT] [MON_PORT] | skew DIR PORT [OFFSET] | down DIR" >&2; exit 2 ;;
esac
