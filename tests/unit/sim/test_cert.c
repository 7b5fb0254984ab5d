/* SPDX-License-Identifier: MIT */
/* The simulator's generated TLS identity: a key file only its owner reads, a self-signed CA
 * certificate that verifies against itself for localhost and 127.0.0.1 and for no other name,
 * and a pair the net layer's TLS server accepts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <mbedtls/x509_crt.h>

#include "arbhub/err.h"
#include "arbhub/tls.h"
#include "sim_int.h"

static char dir[] = "/tmp/ah-simcert-XXXXXX";
static char crt_path[256], key_path[256];

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir)) {
        return -1;
    }
    snprintf(crt_path, sizeof(crt_path), "%s/c.pem", dir);
    snprintf(key_path, sizeof(key_path), "%s/k.pem", dir);
    return ah_sim__make_cert(crt_path, key_path);
}

static int teardown(void **state)
{
    (void)state;
    unlink(crt_path);
    unlink(key_path);
    return rmdir(dir);
}

static void key_is_private(void **state)
{
    struct stat st;

    (void)state;
    assert_int_equal(stat(key_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

static uint32_t verify(const mbedtls_x509_crt *crt, const char *name)
{
    uint32_t flags = 0;

    (void)mbedtls_x509_crt_verify((mbedtls_x509_crt *)(uintptr_t)crt,
                                  (mbedtls_x509_crt *)(uintptr_t)crt, NULL, name, &flags, NULL,
                                  NULL);
    return flags;
}

static void certificate_names(void **state)
{
    mbedtls_x509_crt crt;

    (void)state;
    mbedtls_x509_crt_init(&crt);
    assert_int_equal(mbedtls_x509_crt_parse_file(&crt, crt_path), 0);
    assert_int_equal(crt.ca_istrue, 1);
    assert_int_equal(verify(&crt, "localhost"), 0);
    assert_int_equal(verify(&crt, "127.0.0.1"), 0);
    assert_true(verify(&crt, "example.com") & MBEDTLS_X509_BADCERT_CN_MISMATCH);
    assert_true(verify(&crt, "127.0.0.2") & MBEDTLS_X509_BADCERT_CN_MISMATCH);
    mbedtls_x509_crt_free(&crt);
}

static void tls_contexts_accept_it(void **state)
{
    struct ah_tls_ctx *srv = NULL, *cli = NULL;
    char err[256] = "";

    (void)state;
    assert_int_equal(ah_tls_server_create(&srv, crt_path, key_path, err, sizeof(err)), 0);
    assert_int_equal(ah_tls_client_create(&cli, crt_path, err, sizeof(err)), 0);
    ah_tls_destroy(srv);
    ah_tls_destroy(cli);
}

static void unwritable_path_fails(void **state)
{
    (void)state;
    assert_int_equal(ah_sim__make_cert("/nonexistent-dir/c.pem", "/nonexistent-dir/k.pem"),
                     AH_E_TLS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(key_is_private),
        cmocka_unit_test(certificate_names),
        cmocka_unit_test(tls_contexts_accept_it),
        cmocka_unit_test(unwritable_path_fails),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
