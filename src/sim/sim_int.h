/* SPDX-License-Identifier: MIT */
/* Simulator internals shared by its files: a bounded text writer for the generators. */
#ifndef ARBHUB_SIM_INT_H
#define ARBHUB_SIM_INT_H

#include "arbhub/event.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ah_sim_wr {
    char *p;
    size_t cap;
    size_t len;
    bool full;
};

void ah_sim__wr_init(struct ah_sim_wr *w, char *p, size_t cap);
void ah_sim__mem(struct ah_sim_wr *w, const char *s, size_t n);
void ah_sim__str(struct ah_sim_wr *w, const char *s);
void ah_sim__u64(struct ah_sim_wr *w, uint64_t v);
/* ticks / 10^dec with exactly dec decimals ("0.35210000"). */
void ah_sim__fixed(struct ah_sim_wr *w, int64_t ticks, int dec);
/* Venue symbol text of sym for ex; lower case when lower. */
void ah_sim__vsym(struct ah_sim_wr *w, enum ah_exchange_id ex, ah_symbol_t sym, bool lower);
/* Length written, or AH_E_LIMIT when it did not fit (leaves room for a NUL, which it writes). */
int ah_sim__finish(struct ah_sim_wr *w);

/* Makes a P-256 key and a self-signed certificate for localhost/127.0.0.1 and writes them as PEM
 * (key mode 0600). Returns 0 or AH_E_TLS (logged). */
int ah_sim__make_cert(const char *cert_path, const char *key_path);

#endif
