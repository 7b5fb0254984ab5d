/* SPDX-License-Identifier: MIT */
/* Placeholder translation unit so the ui module's library exists before its issue lands. */
#include "arbhub/compiler.h"

int ah_ui__placeholder(void);

int ah_ui__placeholder(void)
{
    return 0;
}
