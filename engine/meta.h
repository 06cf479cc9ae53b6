/*
 * meta.h: metadata that a document carries in its own text.
 *
 * Two pure functions over a byte buffer: front matter parsing (the block
 * between "---" lines at the top of a .md/.txt file) and detection of what a
 * news text says about itself: the dateline ("KUALA LUMPUR, Aug 21 (Bernama)
 * --"), the wire sign-off ("— Bernama") and web boilerplate (breadcrumbs,
 * section labels, newsletter prompts). Nothing here allocates more than the
 * results it returns, and nothing touches the store.
 */
#ifndef ENTENTE_META_H
#define ENTENTE_META_H

#include <stddef.h>
#include <stdint.h>

/* Kinds of marked spans. Stored as text in doc_spans.kind (see SCHEMA.md). */
typedef enum en_spankind {
    EN_SPAN_DATELINE = 1, /* "BERLIN, May 14 —" (the whole dateline with its dash) */
    EN_SPAN_SIGNOFF,      /* "— Bernama" at the end */
    EN_SPAN_BOILERPLATE   /* breadcrumbs, section labels, newsletter prompts ... */
} en_spankind;

/* "dateline", "signoff", "boilerplate"; NULL for an unknown kind. */
const char *en_spankind_name(int kind);

typedef struct en_mspan {
    uint32_t start, stop; /* byte offsets into the text given to en_detect_meta */
    int kind;             /* en_spankind */
} en_mspan;

/* ---- front matter ------------------------------------------------- */

#define EN_FM_MAX_EXTRA 16

typedef struct en_frontmatter {
    int present;        /* 1 when the text starts with a front-matter block */
    size_t body;        /* byte offset where the body starts (0 when absent) */
    unsigned body_line; /* 1-based line number of the body's first line */
    /* Known keys; each points into the input (not NUL-terminated), with
     * surrounding quotes removed. NULL when absent. */
    const char *title, *date, *source, *url, *lang, *id;
    size_t title_len, date_len, source_len, url_len, lang_len, id_len;
    /* Other keys, kept as extra metadata. */
    size_t nextra;
    struct {
        const char *key, *val;
        size_t key_len, val_len;
    } extra[EN_FM_MAX_EXTRA];
    /* First problem found, or err[0] == 0. err_line is 1-based. */
    unsigned err_line;
    char err[160];
} en_frontmatter;

/* Parse front matter at the start of s. Recognises a first line of exactly
 * "---" (an optional UTF-8 BOM before it, optional trailing spaces and \r),
 * then "key: value" lines, then a closing "---" or "..." line. Values may
 * be quoted with ' or " (the quotes are removed; escapes are not
 * interpreted except \" and \\ inside double quotes, which are kept as
 * they are and noted in no way). Blank lines and lines starting with '#'
 * are ignored.
 *
 * Returns 0 when there is no front matter (fm->present = 0) or it parsed;
 * returns -1 when it is malformed: no closing line, a line without a
 * colon, an empty key, an unterminated quote. Then fm->err and
 * fm->err_line say what and where, and fm->body is 0 (the caller decides;
 * entente reports the file and line and skips the file). */
int en_front_matter(const char *s, size_t len, en_frontmatter *fm);

/* ---- what the text says about itself ---------------------------------- */

#define EN_META_MAX_SPANS 64

typedef struct en_textmeta {
    /* Dateline, when found: the place ("KUALA LUMPUR", "BERLIN") and the
     * date as written ("May 14", "Aug 21"), both pointing into the text. */
    const char *place;
    size_t place_len;
    const char *date;
    size_t date_len;
    int month, day;     /* from the dateline date, 0 when absent */
    int year;           /* when the dateline gives one, else 0 */
    const char *agency; /* "(Bernama)" in a dateline or "— Bernama" sign-off, without brackets */
    size_t agency_len;
    size_t nspans; /* spans, sorted by start, non-overlapping */
    en_mspan spans[EN_META_MAX_SPANS];
} en_textmeta;

/* Detect dateline, sign-off and boilerplate in text[0..len) (valid UTF-8,
 * the body after any front matter). Always succeeds; what it does not
 * recognise it leaves alone.
 *
 * Dateline: at the start of the first non-boilerplate paragraph, a place
 * in capitals (letters, spaces, dots, hyphens, apostrophes; at most 4
 * words, at least 3 letters, no digits) followed by ":" or by ", <date>"
 * (English month names and abbreviations, day first or month first, an
 * optional year) and optionally "(<Agency>)", then a dash ("—", "–", "--",
 * "-") or a colon. A place in title case counts only when an agency in
 * brackets follows it ("Jakarta, Jan 9 (ANTARA) -"). "ROME:", "BERLIN, May
 * 14 —" and "KUALA LUMPUR, Aug 21 (Bernama) --" all count. The span covers
 * the dateline with its punctuation and trailing space. Story labels
 * ("UPDATE:", "BREAKING:") are never places: they are marked boilerplate,
 * alone on a line or as an inline label before the text.
 *
 * Sign-off: a last line that is a dash and one to three capitalised words
 * ("— Bernama", "-- Reuters").
 *
 * Boilerplate: whole lines that are breadcrumbs ("Home » World", "Home >
 * News > Asia"), a short section label standing alone right after a
 * breadcrumb or at the very top ("World", "Defence"), and stock web
 * phrases on a line of their own: "Subscribe to our newsletter", "Sign up
 * for ...", "Read more", "Share this article", "Advertisement", "Follow us
 * on ...", "Click here ...", "All rights reserved", "Copyright ...". The
 * span covers the line without its newline. */
void en_detect_meta(const char *text, size_t len, en_textmeta *out);

#endif
