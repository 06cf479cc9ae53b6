/*
 * annot.h: the annotation index of one document.
 *
 * Mentions are kept per type in arrays sorted by (start ascending, stop
 * descending, id ascending), so that "mentions of type T starting at p"
 * and "covering p" are binary searches. Rules add and remove mentions while
 * a document is processed; the caller owns the mentions themselves and
 * gives each an integer id.
 */
#ifndef ENTENTE_ANNOT_H
#define ENTENTE_ANNOT_H

#include <stddef.h>
#include <stdint.h>

typedef struct en_ann {
    uint32_t start, stop; /* byte range [start, stop) */
    uint32_t id;          /* the caller's mention id */
} en_ann;

typedef struct en_annot en_annot;

/* The order of the index (and of mentions in text order): start
 * ascending, stop descending (longest first), then id. Returns <0, 0, >0. */
int en_ann_order(const en_ann *x, const en_ann *y);

en_annot *en_annot_new(void);
void en_annot_free(en_annot *a);
/* Forget every mention (keeps the memory for the next document). */
void en_annot_clear(en_annot *a);

/* Add a mention of type (a small integer, < 4096). Returns 0, or -1 when
 * out of memory or the type is out of range. O(log n + shift). */
int en_annot_add(en_annot *a, uint32_t type, uint32_t start, uint32_t stop, uint32_t id);

/* Remove the mention with this id from type's list. Returns 1 when found. */
int en_annot_remove(en_annot *a, uint32_t type, uint32_t id);

/* Mentions of type starting exactly at pos, longest first: returns their
 * count and sets *first to the first of them (a contiguous run). */
size_t en_annot_starting(const en_annot *a, uint32_t type, uint32_t pos, const en_ann **first);

/* Mentions of type that cover pos (start <= pos < stop), in start order.
 * Writes up to max pointers to out; returns how many cover pos (which may
 * exceed max). O(log n + k), using the type's longest mention to bound the
 * backward scan. */
size_t en_annot_covering(const en_annot *a, uint32_t type, uint32_t pos, const en_ann **out,
                         size_t max);

/* Mentions of type that start in [from, to): returns their count and sets
 * *first (a contiguous run in start order). Callers check stop themselves. */
size_t en_annot_starting_in(const en_annot *a, uint32_t type, uint32_t from, uint32_t to,
                            const en_ann **first);

/* Every mention of type, in order. */
size_t en_annot_all(const en_annot *a, uint32_t type, const en_ann **first);

#endif
