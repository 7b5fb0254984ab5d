#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Bans calls that STYLE.md forbids in src/: unbounded string functions, atoi, and bare
# allocation (use ah_xmalloc and friends from include/arbhub/xalloc.h).
set -euo pipefail
cd "$(dirname "$0")/.."
banned='\b(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|gets|malloc|calloc|realloc|strdup|strndup)[[:space:]]*\('
hits=$(git ls-files --cached --others --exclude-standard -- 'src/*.c' 'src/*.h' |
    grep -v '^src/core/xalloc.c$' | xargs -r grep -nE "$banned" | grep -v 'checksrc:allow' || true)
if [ -n "$hits" ]; then
    echo "banned calls (see STYLE.md section 9):"
    echo "$hits"
    exit 1
fi
