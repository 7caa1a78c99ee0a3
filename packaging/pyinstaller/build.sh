#!/usr/bin/env bash
# Build the desktop app with PyInstaller and check the result with its --self-test.
#   packaging/pyinstaller/build.sh [OUT_DIR]     (default: out/pyinstaller)
# Needs a Python with the project and PyInstaller installed (./test's .venv has both; set
# PYTHON to use another). Linux needs the libraries Qt loads offscreen (./test installs them).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
out=${1:-$repo/out/pyinstaller}
python=${PYTHON:-$repo/.venv/bin/python}
mkdir -p "$out"
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$out/dist" --workpath "$out/build" \
  "$repo/packaging/pyinstaller/aiprism-desktop.spec"
case "$(uname -s)" in
  Darwin) app="$out/dist/AI-Prism.app/Contents/MacOS/aiprism-desktop" ;;
  MINGW*|MSYS*|CYGWIN*) app="$out/dist/aiprism-desktop/aiprism-desktop.exe" ;;
  *) app="$out/dist/aiprism-desktop/aiprism-desktop" ;;
esac
echo "Built $app ($(du -sh "$out/dist" | cut -f1)); running its self-test…" >&2
# A scratch home: the self-test must not depend on (or touch) the builder's settings.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
  QT_QPA_PLATFORM=offscreen "$app" --self-test
