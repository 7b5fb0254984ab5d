/* SPDX-License-Identifier: MIT */
/* Logging: line format (UTC timestamp with microseconds, level, component), level filtering,
 * and the log thread writing every queued line to the file before ah_log_stop() returns. */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "arbhub/log.h"

static void test_file_lines(void **state)
{
    char dir[] = "/tmp/arbhub_log_XXXXXX";
    char path[128];
    char line[1200];
    FILE *f;
    int n = 0;
    regex_t re;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/sub/log.txt", dir); /* folder is created */
    assert_int_equal(ah_log_level_parse("warn"), AH_LOG_WARN);
    assert_int_equal(ah_log_level_parse("loud"), -1);
    ah_log_set_level(AH_LOG_INFO);
    assert_int_equal(ah_log_start(path), 0);
    for (int i = 0; i < 1000; i++) {
        AH_INFO("ws binance#3", "line %d", i);
    }
    AH_DEBUG("hub", "filtered out");
    AH_ERROR("lake", "disk %s", "full");
    ah_log_stop();
    ah_log_stop(); /* safe twice */
    assert_int_equal(regcomp(&re,
                             "^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]"
                             "\\.[0-9]{6}Z (info |error) \\[(ws binance#3|lake)\\] ",
                             REG_EXTENDED | REG_NOSUB),
                     0);
    f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof(line), f) != NULL) {
        if (regexec(&re, line, 0, NULL, 0) != 0) {
            fail_msg("bad line: %s", line);
        }
        assert_null(strstr(line, "filtered out"));
        n++;
    }
    fclose(f);
    regfree(&re);
    assert_int_equal(n, 1001 - (int)ah_log_dropped());
    assert_int_equal(ah_log_dropped(), 0);
    unlink(path);
    snprintf(line, sizeof(line), "%s/sub", dir);
    rmdir(line);
    rmdir(dir);
}

static void test_bad_file(void **state)
{
    (void)state;
    assert_true(ah_log_start("/proc/nonexistent/x/log.txt") < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_lines),
        cmocka_unit_test(test_bad_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
