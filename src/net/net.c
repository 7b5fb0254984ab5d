/* SPDX-License-Identifier: MIT */
/* Placeholder translation unit so the net module's library exists before its issue lands. */
#include "arbhub/compiler.h"

int ah_net__placeholder(void);

int ah_net__placeholder(void)
{
    return 0;
}
