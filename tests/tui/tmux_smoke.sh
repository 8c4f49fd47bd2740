#!/usr/bin/env bash
# Smoke test of the real program in a real terminal: start `qasas play --scenes tests/fixtures/tiny` in tmux,
# press keys, and read the screen with capture-pane. Checks the scene title, a trust meter's change, and that
# quitting works (exit status 0, autosave written). Uses its own tmux server socket, so it never touches yours.
#
#   tests/tui/tmux_smoke.sh            # uses `qasas` from PATH, or QASAS="python -m game"
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
QASAS=${QASAS:-qasas}
export LANG=C.UTF-8 LC_ALL=C.UTF-8  # capture-pane must see the meters' arrows, not underscores
SOCKET="qasas-smoke-$$"
WORK=$(mktemp -d)
SAVES="$WORK/saves"
mkdir -p "$SAVES"

cleanup() {
  tmux -L "$SOCKET" kill-server 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

screen() { tmux -L "$SOCKET" capture-pane -p -t smoke 2>/dev/null || true; }

# Wait up to $2 seconds (default 60: generous, a busy machine is slow, not broken) for the screen to contain $1.
wait_for() {
  local want=$1 limit=${2:-60} i=0
  while (( i < limit * 10 )); do
    if screen | grep -qF -- "$want"; then return 0; fi
    sleep 0.1
    i=$((i + 1))
  done
  echo "FAIL: never saw '$want' on the screen. It showed:" >&2
  screen >&2
  return 1
}

start() {
  tmux -L "$SOCKET" -f /dev/null new-session -d -s smoke -x 100 -y 30 \
    "cd '$ROOT' && QASAS_SAVES='$SAVES' TERM=xterm-256color $QASAS play --scenes tests/fixtures/tiny --seed 7; echo \$? > '$WORK/status'; sleep 5"
}
# A tmux server occasionally dies while starting on a busy machine; try again rather than report a false failure.
for attempt in 1 2 3; do
  if start 2>/dev/null && tmux -L "$SOCKET" has-session -t smoke 2>/dev/null; then break; fi
  if (( attempt == 3 )); then echo "FAIL: could not start tmux" >&2; exit 1; fi
  tmux -L "$SOCKET" kill-server 2>/dev/null || true
  sleep 0.5
done

wait_for "New game" 90
echo "ok: title screen"
tmux -L "$SOCKET" send-keys -t smoke n
wait_for "At the Gate"
wait_for "The guards                50"
echo "ok: scene title and meters"
tmux -L "$SOCKET" send-keys -t smoke 3
wait_for "▼ −50"
wait_for "You chose: Offer him money"
echo "ok: a choice moved the guards' meter (▼ −50)"
tmux -L "$SOCKET" send-keys -t smoke C-q
for _ in $(seq 1 100); do
  [[ -s "$WORK/status" ]] && break
  sleep 0.1
done
status=$(cat "$WORK/status" 2>/dev/null || echo "none")
if [[ "$status" != "0" ]]; then
  echo "FAIL: quitting gave exit status '$status'" >&2
  screen >&2
  exit 1
fi
if [[ ! -s "$SAVES/autosave.json" ]]; then
  echo "FAIL: no autosave in $SAVES" >&2
  exit 1
fi
echo "ok: ctrl+q quit with status 0 and the autosave was written"
echo "tmux smoke: passed"
