#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fails if any C file differs from what clang-format (with the repo's .clang-format) makes of it.
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files --cached --others --exclude-standard -- '*.c' '*.h' | grep -v '^third_party/' |
    xargs -r clang-format --dry-run --Werror
