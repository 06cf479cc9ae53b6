/*
 * test_sqlfn.c: the aggregates reports use. pick(): score first, then
 * source diversity, then id; the cap and "keep all"; NULL and integer
 * sources; tags; empty groups; and a large group checked against a
 * brute-force ranking (the per-source pruning must not change the
 * result). tally(): counts, distinct documents, furthest rank, first id,
 * date range, sorted labels, the pick, key order and JSON escaping.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlfn.h"

static sqlite3 *open_db(void) {
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(en_sqlfn_register(db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     "CREATE TABLE f(g, score, source, id, tag);"
                     "INSERT INTO f VALUES"
                     " (1, 0.9, 'A', 10, NULL), (1, 0.9, 'A', 11, NULL),"
                     " (1, 0.9, 'B', 12, NULL), (1, 1.0, 'A', 13, NULL),"
                     " (1, 0.5, 'C', 14, NULL), (1, 0.9, 'A', 9, NULL),"
                     " (2, 1.0, NULL, 5, NULL), (2, 1.0, NULL, 4, NULL),"
                     " (3, 1.0, 7, 3, 'm'), (3, 1.0, 7, 3, 'r'), (3, 1.0, '7', 2, 'm');",
                     NULL, NULL, NULL),
        SQLITE_OK);
    return db;
}

/* The text of the first column of the first row of sql (or "(null)"). */
static void query(sqlite3 *db, const char *sql, char *out, size_t n) {
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(s, 0);
    snprintf(out, n, "%s", t ? (const char *)t : "(null)");
    sqlite3_finalize(s);
}

static void test_score_then_diversity(void **state) {
    (void)state;
    sqlite3 *db = open_db();
    char buf[256];
    /* 13 has the best score; then at 0.9 one per source: A's best is 9
     * (smallest id), B's is 12; then A's second (10) */
    query(db, "SELECT pick(3, score, source, id) FROM f WHERE g = 1", buf, sizeof buf);
    assert_string_equal(buf, "r13 r12 r9");
    query(db, "SELECT pick(5, score, source, id) FROM f WHERE g = 1", buf, sizeof buf);
    assert_string_equal(buf, "r13 r12 r9 r10 r11");
    query(db, "SELECT pick(0, score, source, id) FROM f WHERE g = 1", buf, sizeof buf);
    assert_string_equal(buf, "r13 r12 r9 r10 r11 r14");
    query(db, "SELECT pick(-1, score, source, id) FROM f WHERE g = 1", buf, sizeof buf);
    assert_string_equal(buf, "r13 r12 r9 r10 r11 r14");
    query(db, "SELECT pick(1, score, source, id) FROM f WHERE g = 1", buf, sizeof buf);
    assert_string_equal(buf, "r13");
    sqlite3_close(db);
}

static void test_sources_and_tags(void **state) {
    (void)state;
    sqlite3 *db = open_db();
    char buf[256];
    /* a NULL source is a source of its own */
    query(db, "SELECT pick(2, score, source, id) FROM f WHERE g = 2", buf, sizeof buf);
    assert_string_equal(buf, "r4 r5");
    /* tags: the same id under two tags are two facts; integer 7 and text '7'
     * are different sources */
    query(db, "SELECT pick(3, score, source, id, tag) FROM f WHERE g = 3", buf, sizeof buf);
    assert_string_equal(buf, "m2 m3 r3");
    /* an empty group */
    query(db, "SELECT pick(3, score, source, id) FROM f WHERE g = 99", buf, sizeof buf);
    assert_string_equal(buf, "(null)");
    /* a NULL id is no fact */
    query(db, "SELECT pick(3, score, source, NULL) FROM f", buf, sizeof buf);
    assert_string_equal(buf, "(null)");
    sqlite3_close(db);
}

/* Brute force: rank within source by (score desc, id), then order all by
 * (score desc, rank, id). */
typedef struct fact {
    double score;
    int source, id, rank;
} fact;

static int cmp_quality(const void *pa, const void *pb) {
    const fact *a = pa, *b = pb;
    if (a->source != b->source) return a->source - b->source;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return a->id - b->id;
}

static int cmp_pick(const void *pa, const void *pb) {
    const fact *a = pa, *b = pb;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    if (a->rank != b->rank) return a->rank - b->rank;
    return a->id - b->id;
}

static void test_large_group_matches_brute_force(void **state) {
    (void)state;
    enum { N = 20000 };
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(en_sqlfn_register(db), SQLITE_OK);
    sqlite3_exec(db, "CREATE TABLE f(score, source, id)", NULL, NULL, NULL);
    fact *all = calloc(N, sizeof *all);
    assert_non_null(all);
    sqlite3_stmt *ins = NULL;
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO f VALUES (?, ?, ?)", -1, &ins, NULL);
    srand(7);
    for (int i = 0; i < N; i++) {
        all[i].score = (double)(rand() % 4) / 4.0;
        all[i].source = rand() % 37;
        all[i].id = (int)((unsigned)(i * 7919) % N);
        sqlite3_bind_double(ins, 1, all[i].score);
        sqlite3_bind_int(ins, 2, all[i].source);
        sqlite3_bind_int(ins, 3, all[i].id);
        assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    qsort(all, N, sizeof *all, cmp_quality);
    for (int i = 0; i < N; i++)
        all[i].rank = i > 0 && all[i].source == all[i - 1].source ? all[i - 1].rank + 1 : 1;
    qsort(all, N, sizeof *all, cmp_pick);
    char want[4096] = "", got[4096];
    size_t at = 0;
    for (int i = 0; i < 50; i++)
        at += (size_t)snprintf(want + at, sizeof want - at, "%sr%d", i ? " " : "", all[i].id);
    query(db, "SELECT pick(50, score, source, id) FROM f", got, sizeof got);
    assert_string_equal(got, want);
    free(all);
    sqlite3_close(db);
}

static void test_tally(void **state) {
    (void)state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(en_sqlfn_register(db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE r(k, doc, rank, label, score, source, id, d);"
                                  "INSERT INTO r VALUES"
                                  " ('b', 1, 2, 'X', 0.5, 'S', 10, '2025-03-01'),"
                                  " ('b', 1, 4, 'Y', 0.9, 'S', 11, NULL),"
                                  " ('b', 2, NULL, 'X', 0.9, 'T', 12, '2024-12-31'),"
                                  " ('a\"q', 3, 1, NULL, 1.0, NULL, 5, '2025'),"
                                  " (7, 4, NULL, NULL, 1.0, 'S', 6, NULL);",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    char buf[1024];
    query(db, "SELECT tally(k, doc, rank, label, 2, score, source, id, d) FROM r", buf, sizeof buf);
    assert_string_equal(
        buf, "[{\"key\":7,\"facts\":1,\"sources\":1,\"stage\":null,\"first\":6,\"since\":null,"
             "\"until\":null,\"labels\":[],\"pick\":\"r6\"},"
             "{\"key\":\"a\\\"q\",\"facts\":1,\"sources\":1,\"stage\":1,\"first\":5,"
             "\"since\":\"2025\",\"until\":\"2025\",\"labels\":[],\"pick\":\"r5\"},"
             "{\"key\":\"b\",\"facts\":3,\"sources\":2,\"stage\":4,\"first\":10,"
             "\"since\":\"2024-12-31\",\"until\":\"2025-03-01\",\"labels\":[\"X\",\"Y\"],"
             "\"pick\":\"r11 r12\"}]");
    /* without rows; and without the optional `when` */
    query(db, "SELECT tally(k, doc, rank, label, 2, score, source, id) FROM r WHERE 0", buf,
          sizeof buf);
    assert_string_equal(buf, "[]");
    query(db, "SELECT tally(k, doc, rank, label, 0, score, source, id) FROM r WHERE k = 7", buf,
          sizeof buf);
    assert_string_equal(buf, "[{\"key\":7,\"facts\":1,\"sources\":1,\"stage\":null,\"first\":6,"
                             "\"since\":null,\"until\":null,\"labels\":[],\"pick\":\"r6\"}]");
    sqlite3_close(db);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_then_diversity),
        cmocka_unit_test(test_sources_and_tags),
        cmocka_unit_test(test_large_group_matches_brute_force),
        cmocka_unit_test(test_tally),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
