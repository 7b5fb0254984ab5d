/* SPDX-License-Identifier: MIT */
/* Simulator internals shared by its files: a bounded text writer for the generators. */
#ifndef ARBHUB_SIM_INT_H
#define ARBHUB_SIM_INT_H

#include "arbhub/event.h"
#include "arbhub/wr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ticks / 10^dec with exactly dec decimals ("0.35210000"). */
void ah_sim__fixed(struct ah_wr *w, int64_t ticks, int dec);
/* Venue symbol text of sym for ex; lower case when lower. */
void ah_sim__vsym(struct ah_wr *w, enum ah_exchange_id ex, ah_symbol_t sym, bool lower);

/* Makes a P-256 key and a self-signed certificate for localhost/127.0.0.1 and writes them as PEM
 * (key mode 0600). Returns 0 or AH_E_TLS (logged). */
int ah_sim__make_cert(const char *cert_path, const char *key_path);

#endif
