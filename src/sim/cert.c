/* SPDX-License-Identifier: MIT */
/* The simulator's TLS identity, made at start-up with mbedTLS: a P-256 key and a self-signed
 * certificate (CA:TRUE, so clients can name it as their ca_file) for localhost and 127.0.0.1,
 * written as PEM files. Start-up path (disk I/O); any thread. */
#include "sim_int.h"

#include "arbhub/err.h"
#include "arbhub/log.h"

#include <errno.h>
#include <fcntl.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PEM_MAX 4096

/* subjectAltName: dNSName localhost, dNSName 127.0.0.1 (mbedTLS 2.28 checks host names against
 * dNSName entries only), iPAddress 127.0.0.1 (for other TLS stacks). */
static const unsigned char san[] = {
    0x30, 28,  0x82, 9,   'l', 'o', 'c', 'a', 'l', 'h',  'o', 's', 't', 0x82, 9,
    '1',  '2', '7',  '.', '0', '.', '0', '.', '1', 0x87, 4,   127, 0,   0,    1,
};

static int write_file(const char *path, const unsigned char *pem, int mode)
{
    size_t len = strlen((const char *)pem);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    ssize_t n;

    if (fd < 0) {
        return -errno;
    }
    n = write(fd, pem, len);
    if (close(fd) != 0 || n != (ssize_t)len) {
        return -EIO;
    }
    return 0;
}

static void validity(char *from, char *to, size_t cap)
{
    time_t now = time(NULL);
    time_t start = now - 86400;
    struct tm tm;

    gmtime_r(&start, &tm);
    strftime(from, cap, "%Y%m%d%H%M%S", &tm);
    tm.tm_year += 10;
    strftime(to, cap, "%Y%m%d%H%M%S", &tm);
}

static int build_crt(mbedtls_x509write_cert *crt, mbedtls_pk_context *key,
                     mbedtls_ctr_drbg_context *drbg, unsigned char *pem)
{
    char from[32], to[32];
    mbedtls_mpi serial;
    int rc;

    mbedtls_mpi_init(&serial);
    validity(from, to, sizeof(from));
    mbedtls_x509write_crt_set_version(crt, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(crt, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_subject_key(crt, key);
    mbedtls_x509write_crt_set_issuer_key(crt, key);
    rc = mbedtls_mpi_lset(&serial, (mbedtls_mpi_sint)(time(NULL) & 0x7fffffff));
    if (rc == 0) {
        rc = mbedtls_x509write_crt_set_serial(crt, &serial);
    }
    if (rc == 0) {
        rc = mbedtls_x509write_crt_set_subject_name(crt, "CN=localhost,O=arbhub simulator");
    }
    if (rc == 0) {
        rc = mbedtls_x509write_crt_set_issuer_name(crt, "CN=localhost,O=arbhub simulator");
    }
    if (rc == 0) {
        rc = mbedtls_x509write_crt_set_validity(crt, from, to);
    }
    if (rc == 0) {
        rc = mbedtls_x509write_crt_set_basic_constraints(crt, 1, 0);
    }
    if (rc == 0) {
        rc = mbedtls_x509write_crt_set_extension(crt, MBEDTLS_OID_SUBJECT_ALT_NAME,
                                                 MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0,
                                                 san, sizeof(san));
    }
    if (rc == 0) {
        rc = mbedtls_x509write_crt_pem(crt, pem, PEM_MAX, mbedtls_ctr_drbg_random, drbg);
    }
    mbedtls_mpi_free(&serial);
    return rc;
}

int ah_sim__make_cert(const char *cert_path, const char *key_path)
{
    static const char pers[] = "arbhub simulator certificate";
    mbedtls_entropy_context ent;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_pk_context key;
    mbedtls_x509write_cert crt;
    unsigned char pem[PEM_MAX];
    int rc;

    mbedtls_entropy_init(&ent);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_pk_init(&key);
    mbedtls_x509write_crt_init(&crt);
    rc = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, (const unsigned char *)pers,
                               sizeof(pers) - 1);
    if (rc == 0) {
        rc = mbedtls_pk_setup(&key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
    }
    if (rc == 0) {
        rc = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(key),
                                 mbedtls_ctr_drbg_random, &drbg);
    }
    if (rc == 0) {
        rc = mbedtls_pk_write_key_pem(&key, pem, sizeof(pem));
    }
    if (rc == 0) {
        rc = write_file(key_path, pem, 0600);
    }
    if (rc == 0) {
        rc = build_crt(&crt, &key, &drbg, pem);
    }
    if (rc == 0) {
        rc = write_file(cert_path, pem, 0644);
    }
    if (rc != 0) {
        AH_ERROR("sim", "cannot make the TLS certificate %s: error %d", cert_path, rc);
        rc = AH_E_TLS;
    }
    mbedtls_x509write_crt_free(&crt);
    mbedtls_pk_free(&key);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&ent);
    return rc;
}
