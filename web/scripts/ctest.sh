#!/usr/bin/env bash
# One web test step for CTest (tests/CMakeLists.txt). Exit 77 = skipped, with the reason printed.
set -euo pipefail
cd "$(dirname "$0")/.."
step=$1
if [ ! -d node_modules ]; then
  echo "SKIPPED web.$step: web/node_modules is missing; scripts/bootstrap (make test) runs npm ci in web/"
  exit 77
fi
case "$step" in
  lint) npx --no-install eslint --max-warnings=0 . && exec npx --no-install prettier --check . ;;
  typecheck) exec npm run --silent typecheck ;;
  test_unit) exec npx --no-install vitest run ;;
  build) exec npm run --silent build ;;
  openapi_check) exec node scripts/openapi.mjs check --bin "${NCHAT_LIVE_BIN:?}" ;;
  test_pages)
    if [ ! -x /usr/bin/chromium ]; then
      echo "SKIPPED web.test_pages: Debian's /usr/bin/chromium is not installed (scripts/bootstrap installs it)"
      exit 77
    fi
    if ! command -v ffmpeg >/dev/null; then
      echo "SKIPPED web.test_pages: ffmpeg is not installed (scripts/bootstrap installs it)"
      exit 77
    fi
    exec node --test --test-reporter=spec --test-concurrency=1 tests/pages/ ;;
  *) echo "unknown step $step" >&2; exit 2 ;;
esac
