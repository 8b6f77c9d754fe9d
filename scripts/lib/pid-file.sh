# Sourced by the servers' stop.sh scripts.

# stop_by_pid_file NAME PID_FILE: stops the process the pid file names (only that one), waiting
# up to 5 s for it to end, and removes the file.
stop_by_pid_file() {
  local name=$1 pid_file=$2 pid
  if [ ! -f "$pid_file" ] || ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "$name: not running"
    rm -f "$pid_file"
    return 0
  fi
  pid=$(cat "$pid_file")
  kill "$pid"
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  rm -f "$pid_file"
  echo "$name: stopped (pid $pid)"
}
