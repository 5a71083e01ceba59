#!/bin/sh
# Reports PAM logins to Vigil. Called by pam_exec in the session phase of any PAM service:
#
#   session optional pam_exec.so quiet /usr/local/lib/vigil/vigil-pam-session.sh --config /etc/vigil/agent.json
#
# open_session → `vigil-agent open`, close_session → `vigil-agent end`, with the same externalId
# (host, service, the PAM process's pid and start time, user), so the end finds its open. SSH logins
# (a remote host, or a service named like *ssh*) are type PAM with the remote host as device;
# console logins (login, tty, su on a terminal) are CONSOLE with the tty as device; the host is the
# client. It never blocks nor fails a login: `optional` in the PAM line, a hard `timeout 2` on the
# CLI, and it always exits 0. When Vigil is unreachable the CLI queues (exit 3) and
# `vigil-agent watch` (or the next call) replays the queue.
#
# Options: --config FILE (default /etc/vigil/agent.json), --bin PATH (default: vigil-agent on PATH).

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

config=/etc/vigil/agent.json
bin=vigil-agent
while [ $# -gt 0 ]; do
  case "$1" in
    --config) config="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    *) shift ;;
  esac
done

case "${PAM_TYPE:-}" in
  open_session|close_session) ;;
  *) exit 0 ;;
esac
[ -n "${PAM_USER:-}" ] || exit 0

host=$(uname -n 2>/dev/null || echo localhost)
service=${PAM_SERVICE:-unknown}
tty=${PAM_TTY:-}
tty=${tty#/dev/}
# The process that called pam_open_session also calls pam_close_session (sshd's per-connection
# monitor, login's parent): its pid plus start time (field 22 of /proc/PID/stat, so a reused pid
# cannot collide) identifies this login on this host.
starttime=$(sed 's/^.*) //' "/proc/$PPID/stat" 2>/dev/null | cut -d' ' -f20)
external_id="pam:${host}:${service}:${PPID}.${starttime:-0}:${PAM_USER}"

if [ -n "${PAM_RHOST:-}" ] || case "$service" in *ssh*) true ;; *) false ;; esac; then
  type=PAM
  device=${PAM_RHOST:-${tty:-unknown}}
else
  type=CONSOLE
  device=${tty:-console}
fi

if [ "$PAM_TYPE" = open_session ]; then
  set -- open --config "$config" --external-id "$external_id" --type "$type" --user "$PAM_USER" \
    --device "$device" --client "$host" --account-name "$PAM_USER" --service-provider "pam:${service}"
else
  set -- end --config "$config" --external-id "$external_id"
fi

# Hard limit: TERM after 2 s, KILL half a second later. The CLI itself gives up on a request after
# its configured timeout (1.5 s by default) and queues, so it normally exits long before.
timeout -k 0.5 2 "$bin" "$@" </dev/null >/dev/null 2>&1
code=$?
case $code in
  0|3) ;;
  *) command -v logger >/dev/null 2>&1 && timeout 1 logger -t vigil-pam -p authpriv.warning \
       "vigil-agent ${PAM_TYPE} for ${PAM_USER} (${service}) exited ${code}" >/dev/null 2>&1 ;;
esac
exit 0
