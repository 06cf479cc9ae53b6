/*
 * test_annot.c: the annotation index: ordering, lookups by start, cover and
 * range, removal, clearing, bad input, and a large random cross-check
 * against a brute-force scan.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "annot.h"

static void test_starting_longest_first(void **state) {
    (void)state;
    en_annot *a = en_annot_new();
    assert_non_null(a);
    assert_int_equal(en_annot_add(a, 1, 10, 15, 100), 0);
    assert_int_equal(en_annot_add(a, 1, 10, 30, 101), 0);
    assert_int_equal(en_annot_add(a, 1, 10, 20, 102), 0);
    assert_int_equal(en_annot_add(a, 2, 10, 40, 200), 0);
    const en_ann *f;
    assert_int_equal(en_annot_starting(a, 1, 10, &f), 3);
    assert_int_equal(f[0].id, 101);
    assert_int_equal(f[1].id, 102);
    assert_int_equal(f[2].id, 100);
    assert_int_equal(en_annot_starting(a, 1, 11, &f), 0);
    assert_null(f);
    assert_int_equal(en_annot_starting(a, 3, 10, &f), 0); /* unknown type */
    assert_int_equal(en_annot_starting(a, 2, 10, &f), 1);
    assert_int_equal(f[0].id, 200);
    en_annot_free(a);
}

static void test_covering_and_range(void **state) {
    (void)state;
    en_annot *a = en_annot_new();
    en_annot_add(a, 0, 0, 100, 1); /* long */
    en_annot_add(a, 0, 50, 60, 2);
    en_annot_add(a, 0, 55, 56, 3);
    en_annot_add(a, 0, 70, 80, 4);
    const en_ann *out[8];
    assert_int_equal(en_annot_covering(a, 0, 55, out, 8), 3);
    assert_int_equal(out[0]->id, 1);
    assert_int_equal(out[1]->id, 2);
    assert_int_equal(out[2]->id, 3);
    assert_int_equal(en_annot_covering(a, 0, 60, out, 8), 1); /* stop is exclusive */
    assert_int_equal(en_annot_covering(a, 0, 100, out, 8), 0);
    assert_int_equal(en_annot_covering(a, 0, 75, out, 1), 2); /* count exceeds max */
    const en_ann *f;
    assert_int_equal(en_annot_starting_in(a, 0, 50, 71, &f), 3);
    assert_int_equal(f[0].id, 2);
    assert_int_equal(en_annot_starting_in(a, 0, 71, 71, &f), 0);
    assert_int_equal(en_annot_all(a, 0, &f), 4);
    en_annot_free(a);
}

static void test_remove_and_clear(void **state) {
    (void)state;
    en_annot *a = en_annot_new();
    en_annot_add(a, 5, 1, 2, 7);
    en_annot_add(a, 5, 3, 4, 8);
    assert_int_equal(en_annot_remove(a, 5, 7), 1);
    assert_int_equal(en_annot_remove(a, 5, 7), 0);
    assert_int_equal(en_annot_remove(a, 9, 7), 0);
    const en_ann *f;
    assert_int_equal(en_annot_all(a, 5, &f), 1);
    assert_int_equal(f[0].id, 8);
    en_annot_clear(a);
    assert_int_equal(en_annot_all(a, 5, &f), 0);
    assert_int_equal(en_annot_add(a, 5, 1, 2, 9), 0);
    assert_int_equal(en_annot_all(a, 5, &f), 1);
    en_annot_free(a);
    en_annot_free(NULL);
}

static void test_bad_input(void **state) {
    (void)state;
    en_annot *a = en_annot_new();
    assert_int_equal(en_annot_add(a, 5000, 1, 2, 1), -1); /* type out of range */
    assert_int_equal(en_annot_add(a, 1, 5, 2, 1), -1);    /* stop before start */
    assert_int_equal(en_annot_add(a, 1, 5, 5, 1), 0);     /* empty span is allowed */
    en_annot_free(a);
}

/* Random mentions checked against a brute-force scan. */
static void test_random_against_scan(void **state) {
    (void)state;
    enum { N = 3000 };
    static uint32_t s[N], e[N];
    unsigned seed = 42;
    en_annot *a = en_annot_new();
    for (uint32_t i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        s[i] = (seed >> 8) % 5000;
        seed = seed * 1103515245u + 12345u;
        e[i] = s[i] + 1 + (seed >> 8) % 40;
        assert_int_equal(en_annot_add(a, 3, s[i], e[i], i), 0);
    }
    const en_ann *out[256];
    for (uint32_t pos = 0; pos < 5100; pos += 7) {
        size_t want = 0, starting = 0;
        for (uint32_t i = 0; i < N; i++) {
            if (s[i] <= pos && pos < e[i]) want++;
            if (s[i] == pos) starting++;
        }
        assert_int_equal(en_annot_covering(a, 3, pos, out, 256), want);
        const en_ann *f;
        assert_int_equal(en_annot_starting(a, 3, pos, &f), starting);
        for (size_t k = 1; k < starting; k++) assert_true(f[k - 1].stop >= f[k].stop);
    }
    en_annot_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_starting_longest_first), cmocka_unit_test(test_covering_and_range),
        cmocka_unit_test(test_remove_and_clear),       cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_random_against_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
