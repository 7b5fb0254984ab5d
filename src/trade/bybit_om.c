/* SPDX-License-Identifier: MIT */
/* Bybit order manager: intents -> signed create/cancel/poll requests, responses -> execution
 * reports by differencing the venue's cumulative fill figures. Loop thread, fixed storage. */
#include "arbhub/bybit_om.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arbhub/err.h"

int ah_bybit_om_init(struct ah_bybit_om *om, const char *api_key, const char *secret,
                     const struct ah_instr_spec *in)
{
    memset(om, 0, sizeof(*om));
    if (strlen(api_key) >= sizeof(om->api_key) || strlen(secret) >= sizeof(om->secret)) {
        return AH_E_LIMIT;
    }
    memcpy(om->api_key, api_key, strlen(api_key) + 1);
    memcpy(om->secret, secret, strlen(secret) + 1);
    om->recv_window_ms = AH_BYBIT_RECV_WINDOW_MS;
    om->in = *in;
    return 0;
}

static struct ah_om_order *find(struct ah_bybit_om *om, const char *link_id)
{
    for (int i = 0; i < om->n_orders; i++) {
        if (strcmp(om->orders[i].link_id, link_id) == 0) {
            return &om->orders[i];
        }
    }
    return NULL;
}

/* Finished orders leave the table so it only holds what may still change. */
static void compact(struct ah_bybit_om *om)
{
    int k = 0;

    for (int i = 0; i < om->n_orders; i++) {
        if (!om->orders[i].done) {
            om->orders[k++] = om->orders[i];
        }
    }
    om->n_orders = k;
}

/* A new entry for req (the caller found none), or NULL when the table is full. */
static struct ah_om_order *track(struct ah_bybit_om *om, const struct ah_order_req *req)
{
    struct ah_om_order *o;

    compact(om);
    if (om->n_orders >= AH_OM_ORDERS_MAX) {
        return NULL;
    }
    o = &om->orders[om->n_orders++];
    memset(o, 0, sizeof(*o));
    memcpy(o->link_id, req->link_id, sizeof(o->link_id));
    o->req = *req;
    return o;
}

static int sign(struct ah_bybit_om *om, struct ah_bybit_http *h, int64_t local_ms)
{
    const char *payload = h->body_len > 0 ? h->body : h->query;
    size_t len = h->body_len > 0 ? h->body_len : strlen(h->query);

    return ah_bybit_headers_build(&h->hdr, om->api_key, om->secret, local_ms + om->clock_offset_ms,
                                  om->recv_window_ms, payload, len);
}

static int build_create(struct ah_bybit_om *om, const struct ah_order_req *req,
                        struct ah_bybit_http *h)
{
    struct ah_om_order *o = find(om, req->link_id);
    int n;

    if (o == NULL && (o = track(om, req)) == NULL) {
        return AH_E_LIMIT;
    }
    /* Always the stored order: a retry sends byte-identical fields under the same link id. */
    n = ah_bybit_body_create(h->body, sizeof(h->body), &o->req, &om->in);
    if (n < 0) {
        o->done = true;
        return n;
    }
    h->kind = AH_OM_CREATE;
    snprintf(h->path, sizeof(h->path), "/v5/order/create");
    h->body_len = (size_t)n;
    return 0;
}

int ah_bybit_om_request(struct ah_bybit_om *om, const struct ah_intent *in, int64_t local_ms,
                        struct ah_bybit_http *out)
{
    int rc;

    memset(out, 0, sizeof(*out));
    snprintf(out->method, sizeof(out->method), "POST");
    memcpy(out->link_id, in->req.link_id, sizeof(out->link_id));
    if (in->kind == AH_INTENT_PLACE) {
        rc = build_create(om, &in->req, out);
    } else {
        rc = ah_bybit_body_cancel(out->body, sizeof(out->body), in->req.category, in->req.symbol,
                                  NULL, in->req.link_id);
        out->kind = AH_OM_CANCEL;
        snprintf(out->path, sizeof(out->path), "/v5/order/cancel");
        out->body_len = rc > 0 ? (size_t)rc : 0;
    }
    if (rc < 0) {
        return rc;
    }
    return sign(om, out, local_ms);
}

int ah_bybit_om_poll(struct ah_bybit_om *om, const char *link_id, int64_t local_ms,
                     struct ah_bybit_http *out)
{
    struct ah_om_order *o = find(om, link_id);
    const char *kv[] = {"category", NULL, "symbol", NULL, "orderLinkId", link_id};
    int n;

    if (o == NULL) {
        return -ENOENT;
    }
    memset(out, 0, sizeof(*out));
    kv[1] = o->req.category;
    kv[3] = o->req.symbol;
    n = ah_bybit_query(out->query, sizeof(out->query), kv, 3);
    if (n < 0) {
        return n;
    }
    out->kind = AH_OM_POLL;
    snprintf(out->method, sizeof(out->method), "GET");
    snprintf(out->path, sizeof(out->path), "/v5/order/realtime");
    memcpy(out->link_id, o->link_id, sizeof(out->link_id));
    return sign(om, out, local_ms);
}

int ah_bybit_om_adopt(struct ah_bybit_om *om, const struct ah_order_req *req, int64_t cum_qty)
{
    struct ah_om_order *o = find(om, req->link_id);

    if (o != NULL) {
        return 0;
    }
    if ((o = track(om, req)) == NULL) {
        return AH_E_LIMIT;
    }
    o->acked = true;
    /* Fills before the restart were booked then: only later growth is reported. */
    o->cum_qty = cum_qty;
    return 0;
}

int ah_bybit_om_list_open(struct ah_bybit_om *om, const char *category, int64_t local_ms,
                          struct ah_bybit_http *out)
{
    const char *kv[] = {"category", category, "symbol", om->in.symbol, "openOnly", "0"};
    int n;

    memset(out, 0, sizeof(*out));
    n = ah_bybit_query(out->query, sizeof(out->query), kv, 3);
    if (n < 0) {
        return n;
    }
    out->kind = AH_OM_POLL;
    snprintf(out->method, sizeof(out->method), "GET");
    snprintf(out->path, sizeof(out->path), "/v5/order/realtime");
    return sign(om, out, local_ms);
}

int ah_bybit_om_open(const struct ah_bybit_om *om, const char **ids, int cap)
{
    int n = 0;

    for (int i = 0; i < om->n_orders && n < cap; i++) {
        if (!om->orders[i].done) {
            ids[n++] = om->orders[i].link_id;
        }
    }
    return n;
}

static struct ah_exec *report(struct ah_exec *out, int cap, int *n, enum ah_exec_kind kind,
                              const struct ah_om_order *o, int64_t now_us)
{
    struct ah_exec *e;

    if (*n >= cap) {
        return NULL;
    }
    e = &out[(*n)++];
    memset(e, 0, sizeof(*e));
    e->kind = kind;
    memcpy(e->link_id, o->link_id, sizeof(e->link_id));
    e->side = o->req.side;
    e->cum_qty = o->cum_qty;
    e->ts_us = now_us;
    return e;
}

/* Bybit spot takes a fee in the coin the order receives: a buy's cumExecFee is base, a sell's is
 * quote. Other categories settle fees in the quote (settle) coin. */
static void set_fee(struct ah_exec *e, const struct ah_om_order *o, int64_t fee)
{
    if (o->req.side == AH_BUY && strcmp(o->req.category, "spot") == 0) {
        e->fee_base = fee;
    } else {
        e->fee = fee;
    }
}

/* The fill part of a realtime answer: a FILL for any growth of the cumulative figures. */
static void apply_fill(struct ah_om_order *o, const struct ah_bybit_order *v, int64_t now_us,
                       struct ah_exec *out, int cap, int *n)
{
    int64_t dq = v->cum_qty - o->cum_qty;
    int64_t px = 0;
    int64_t fee = v->cum_fee - o->cum_fee;
    struct ah_exec *e;

    if (o->cum_qty > 0 && o->cum_value == 0) {
        /* Adopted after a restart with fills whose value was not kept: the new part is
         * priced at the average and charged its share of the fee. */
        int64_t per_unit = 0;

        px = v->avg_px;
        if (ah_dec_div_floor(v->cum_fee, v->cum_qty, 1, &per_unit) < 0 ||
            ah_dec_mul(per_unit, dq, &fee) < 0) {
            fee = 0;
        }
    } else if (ah_dec_div_floor(v->cum_value - o->cum_value, dq, 1, &px) < 0) {
        px = v->avg_px;
    }
    o->cum_qty = v->cum_qty;
    e = report(out, cap, n, AH_EXEC_FILL, o, now_us);
    if (e != NULL) {
        e->px = px;
        e->qty = dq;
        set_fee(e, o, fee);
    }
    o->cum_value = v->cum_value;
    o->cum_fee = v->cum_fee;
}

/* One order of a realtime answer or push: an ACK the first time the venue shows it (the create's
 * own answer may come later, or have been lost), FILLs, then DONE once the venue calls it
 * finished. */
static void apply_order(struct ah_bybit_om *om, const struct ah_bybit_order *v, int64_t now_us,
                        struct ah_exec *out, int cap, int *n)
{
    struct ah_om_order *o = find(om, v->link_id);
    struct ah_exec *e;

    if (o == NULL || o->done) {
        return;
    }
    if (!o->acked && v->status != AH_OST_REJECTED) {
        (void)report(out, cap, n, AH_EXEC_ACK, o, now_us);
    }
    o->acked = true;
    if (o->order_id[0] == '\0') {
        snprintf(o->order_id, sizeof(o->order_id), "%s", v->order_id);
    }
    if (v->cum_qty > o->cum_qty) {
        apply_fill(o, v, now_us, out, cap, n);
    }
    if (!ah_bybit_status_open(v->status) && v->status != AH_OST_UNKNOWN) {
        o->done = true;
        e = report(out, cap, n, v->status == AH_OST_REJECTED ? AH_EXEC_REJECT : AH_EXEC_DONE, o,
                   now_us);
        if (e != NULL) {
            snprintf(e->reason, sizeof(e->reason), "%.24s %.36s", ah_bybit_status_name(v->status),
                     v->reject_reason);
        }
    }
}

static int on_create(struct ah_bybit_om *om, const struct ah_bybit_http *req,
                     const struct ah_json *j, const struct ah_bybit_envelope *env, int64_t now_us,
                     struct ah_exec *out, int cap)
{
    struct ah_om_order *o = find(om, req->link_id);
    struct ah_exec *e;
    char lid[AH_LINK_ID_MAX + 1];
    int n = 0;

    if (o == NULL) {
        return 0;
    }
    if (env->ret_code == 0 || env->ret_code == AH_BYBIT_DUP_LINK_ID ||
        env->ret_code == AH_BYBIT_SPOT_DUP_LINK_ID) {
        if (env->ret_code == 0 && ah_bybit_parse_ack(j, env->result, o->order_id,
                                                     sizeof(o->order_id), lid, sizeof(lid)) < 0) {
            return AH_E_PARSE;
        }
        if (!o->acked) {
            o->acked = true;
            (void)report(out, cap, &n, AH_EXEC_ACK, o, now_us);
        }
        return n;
    }
    /* Refused: the order never existed at the venue. 10006 and 10002 are the caller's to retry
     * (same link id), so the order stays tracked for them. */
    if (env->ret_code == AH_BYBIT_RATE_LIMIT || env->ret_code == AH_BYBIT_TIMESTAMP) {
        return 0;
    }
    o->done = true;
    om->n_rejects++;
    e = report(out, cap, &n, AH_EXEC_REJECT, o, now_us);
    if (e != NULL) {
        const char *clear = ah_bybit_ret_msg(env->ret_code);

        snprintf(e->reason, sizeof(e->reason), "%lld %.40s", (long long)env->ret_code,
                 clear != NULL ? clear : env->ret_msg);
    }
    return n;
}

int ah_bybit_om_on_response(struct ah_bybit_om *om, const struct ah_bybit_http *req,
                            const char *body, size_t len, int64_t now_us, struct ah_exec *out,
                            int cap, int64_t *ret_code)
{
    jsmntok_t tok[768];
    struct ah_json j;
    struct ah_bybit_envelope env;
    struct ah_bybit_order list[8];
    int n_list = 0;
    int n = 0;

    if (ah_bybit_envelope_parse(&j, body, len, tok, 768, &env) < 0) {
        return AH_E_PARSE;
    }
    if (ret_code != NULL) {
        *ret_code = env.ret_code;
    }
    if (req->kind == AH_OM_CREATE) {
        return on_create(om, req, &j, &env, now_us, out, cap);
    }
    if (req->kind != AH_OM_POLL || env.ret_code != 0) {
        return 0; /* a cancel's outcome is learnt by polling */
    }
    if (ah_bybit_parse_orders(&j, env.result, list, 8, &n_list) < 0) {
        return AH_E_PARSE;
    }
    for (int i = 0; i < n_list; i++) {
        apply_order(om, &list[i], now_us, out, cap, &n);
    }
    return n;
}

int ah_bybit_om_on_ws(struct ah_bybit_om *om, const char *text, size_t len, int64_t now_us,
                      struct ah_exec *out, int cap)
{
    jsmntok_t tok[768];
    struct ah_bybit_order list[8];
    int n_list = 0;
    int n = 0;
    int rc = ah_bybit_ws_parse_orders(text, len, tok, 768, list, 8, &n_list);

    if (rc == -ENOENT) {
        return 0; /* pong, op reply or another topic */
    }
    if (rc < 0) {
        return rc;
    }
    for (int i = 0; i < n_list; i++) {
        apply_order(om, &list[i], now_us, out, cap, &n);
    }
    return n;
}
