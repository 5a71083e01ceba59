#!/bin/sh
# DEMO ONLY. VNC_PASSWORD comes from the compose environment (VNC keeps its first 8 characters).
set -eu
: "${VNC_PASSWORD:?set VNC_PASSWORD}"
printf '%s\n' "$VNC_PASSWORD" | tigervncpasswd -f > "$HOME/.vncpasswd"
chmod 600 "$HOME/.vncpasswd"
Xvnc :0 -rfbport 5900 -rfbauth "$HOME/.vncpasswd" -SecurityTypes VncAuth -geometry 1280x800 -depth 24 &
xvnc=$!
export DISPLAY=:0
until xdpyinfo >/dev/null 2>&1; do sleep 0.2; done
# an xterm that comes back when closed, so the demo desktop is never empty
while kill -0 "$xvnc" 2>/dev/null; do xterm -geometry 120x40+20+20 || sleep 1; done
