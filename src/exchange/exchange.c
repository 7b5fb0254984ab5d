/* SPDX-License-Identifier: MIT */
/* Placeholder translation unit so the exchange module's library exists before its issue lands. */
#include "arbhub/compiler.h"

int ah_exchange__placeholder(void);

int ah_exchange__placeholder(void)
{
    return 0;
}
