/* SPDX-License-Identifier: MIT */
/* `arbhub serve --demo`: the simulator inside the serving process. main.c hands these two
 * functions to the serve command (the hub may not link sim). Loop thread. */
#include "arbhub/commands.h"
#include "arbhub/log.h"
#include "arbhub/sim.h"

int ah_sim_demo_start(uv_loop_t *loop, struct ah_cfg *cfg, void **handle)
{
    struct ah_sim_opts opts = {.any_port = cfg->sim.base_port == 0};
    struct ah_sim_server *srv;
    int rc = ah_sim_start(loop, cfg, &opts, &srv);

    if (rc < 0) {
        return rc;
    }
    /* The adapters connect over TLS, trusting the certificate made at start-up. */
    ah_sim_server_configure(srv, true, cfg);
    AH_INFO("demo", "simulated exchanges on loopback (wss, CA %s)", ah_sim_server_ca_file(srv));
    *handle = srv;
    return 0;
}

void ah_sim_demo_stop(void *handle)
{
    ah_sim_stop(handle);
}
