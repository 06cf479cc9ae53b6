/*
 * meta.c: front matter, and what a news text says about itself.
 *
 * Two pure functions over a byte buffer that is not NUL-terminated (see
 * meta.h): en_front_matter parses the "---" block at the top of a .md/.txt
 * file, en_detect_meta finds the dateline, the wire sign-off and web
 * boilerplate lines. Every read is checked against the end of the buffer,
 * nothing is allocated and every result points into the input. The input
 * is meant to be UTF-8, but any bytes are accepted: a byte that does not
 * decode is simply not a letter, so garbage is "not recognised", never a
 * crash.
 *
 * Detection is deliberately conservative. A boilerplate mark removes text
 * from extraction and a false dateline invents a place, so every rule
 * accepts only narrow, well-known shapes and leaves anything else alone.
 *
 * Decisions that meta.h leaves open, taken here:
 *  - front matter: a duplicate key overrides the earlier one (last wins, as
 *    in most YAML loaders); known keys are matched case-insensitively, and
 *    so are extra keys when looking for a duplicate.
 *  - front matter: "key: value" splits at the first ':' followed by a space
 *    or the end of the line, so "url: https://x" and "time: 10:30" work;
 *    "key:value" (no space anywhere) falls back to the first ':'.
 *  - front matter: a quoted value may be followed by a "# comment"; when
 *    other text follows the closing quote ('"Big" news'), the value is kept
 *    raw, quotes included. Inside single quotes '' is an escaped quote and,
 *    like \" and \\ in double quotes, is kept as written.
 *  - front matter: an unquoted value is kept whole ("# 1" included); a key
 *    is whatever precedes the split point, trimmed.
 *  - front matter: on error present = 1 (a block was opened), body = 0,
 *    and every value is cleared; for a missing closing line err_line is the
 *    line that opened the block.
 *  - en_spankind_name returns NULL for an unknown kind.
 *  - datelines also take, beyond the capitals of meta.h: a title-case
 *    place followed by an agency ("Jakarta, Jan 9 (ANTARA) -"), a year
 *    ("Aug 21, 2025", "8 January 2025"), and ':' instead of the dash after
 *    a date or an agency.
 *  - an all-caps label at the start of the first paragraph ("BREAKING: ")
 *    is marked boilerplate as a span of its own (the label and the spaces
 *    after it), not the whole line: the rest of the line is real text.
 *    Alone on a line before the first paragraph, a label ("UPDATE:",
 *    "Opinion") is a whole boilerplate line.
 *  - a section label at the top must head a blank line and then a line of
 *    four words or more; a dash line right below another dash line is a
 *    list item, not a sign-off.
 */
#include "meta.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Bytes, code points, spaces, lines                                   */
/* ------------------------------------------------------------------ */

/* Byte i of s as an unsigned value (callers check i < end first). */
static unsigned byte_at(const char *s, size_t i) {
    return (unsigned char)s[i];
}

static int is_alpha_ascii(unsigned c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_digit_ascii(unsigned c) {
    return c >= '0' && c <= '9';
}

static unsigned lower_ascii(unsigned c) {
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/*
 * Decode one UTF-8 sequence at s[i..end), i < end. Returns the code point
 * and sets *n to its length. A malformed, overlong or truncated sequence
 * yields U+FFFD with length 1, so a scan always advances and never reads
 * past end, whatever the bytes are.
 */
static uint32_t utf8_at(const char *s, size_t i, size_t end, size_t *n) {
    unsigned c = byte_at(s, i);
    uint32_t cp;
    size_t len, k;

    *n = 1;
    if (c < 0x80) return c;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0xFFFD;
    }
    if (end - i < len) return 0xFFFD;
    for (k = 1; k < len; k++) {
        unsigned d = byte_at(s, i + k);
        if ((d & 0xC0) != 0x80) return 0xFFFD;
        cp = (cp << 6) | (d & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0xFFFD;
    *n = len;
    return cp;
}

enum { CASE_NONE, CASE_UPPER, CASE_LOWER };

/*
 * Case of a letter, or CASE_NONE for a non-letter. ASCII plus the Latin
 * blocks that place names and agency names in the news use (Latin-1,
 * Latin Extended-A and Additional: "İSTANBUL", "HÀ NỘI", "ZÜRICH"), Greek
 * and Cyrillic. Other scripts count as non-letters, which only means a
 * dateline in them is not recognised; no tables, no allocation.
 */
static int letter_case(uint32_t cp) {
    if (cp >= 'A' && cp <= 'Z') return CASE_UPPER;
    if (cp >= 'a' && cp <= 'z') return CASE_LOWER;
    if (cp < 0xC0) return CASE_NONE;
    if (cp <= 0xDE) return cp == 0xD7 ? CASE_NONE : CASE_UPPER;
    if (cp <= 0xFF) return cp == 0xF7 ? CASE_NONE : CASE_LOWER;
    if (cp <= 0x137) return (cp & 1) ? CASE_LOWER : CASE_UPPER;
    if (cp == 0x138) return CASE_LOWER;
    if (cp <= 0x148) return (cp & 1) ? CASE_UPPER : CASE_LOWER;
    if (cp == 0x149) return CASE_LOWER;
    if (cp <= 0x177) return (cp & 1) ? CASE_LOWER : CASE_UPPER;
    if (cp <= 0x17E) return (cp == 0x178 || (cp & 1)) ? CASE_UPPER : CASE_LOWER;
    if (cp == 0x17F) return CASE_LOWER;
    if (cp >= 0x391 && cp <= 0x3A9) return cp == 0x3A2 ? CASE_NONE : CASE_UPPER;
    if (cp >= 0x3AC && cp <= 0x3CE) return CASE_LOWER;
    if (cp >= 0x400 && cp <= 0x42F) return CASE_UPPER;
    if (cp >= 0x430 && cp <= 0x45F) return CASE_LOWER;
    if (cp >= 0x1E00 && cp <= 0x1EFF) return (cp & 1) ? CASE_LOWER : CASE_UPPER;
    return CASE_NONE;
}

/* Length of the horizontal space at s[i] (space, tab, NBSP), 0 when none. */
static size_t space_len(const char *s, size_t i, size_t end) {
    if (i >= end) return 0;
    if (s[i] == ' ' || s[i] == '\t') return 1;
    if (byte_at(s, i) == 0xC2 && i + 1 < end && byte_at(s, i + 1) == 0xA0) return 2;
    return 0;
}

static size_t skip_space(const char *s, size_t i, size_t end) {
    size_t n;
    while ((n = space_len(s, i, end)) > 0) i += n;
    return i;
}

/* End of s[start..end) without trailing spaces, tabs, NBSPs and \r. */
static size_t trim_right(const char *s, size_t start, size_t end) {
    while (end > start) {
        if (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r')
            end--;
        else if (end - start >= 2 && byte_at(s, end - 2) == 0xC2 && byte_at(s, end - 1) == 0xA0)
            end -= 2;
        else
            break;
    }
    return end;
}

static int has_bom(const char *s, size_t len) {
    return len >= 3 && byte_at(s, 0) == 0xEF && byte_at(s, 1) == 0xBB && byte_at(s, 2) == 0xBF;
}

/* One line: [start, end) is its text without "\n" or "\r\n"; next is where
 * the following line starts (len after the last line). */
typedef struct line {
    size_t start, end, next;
} line;

static line line_at(const char *s, size_t len, size_t pos) {
    line ln;
    const char *nl = memchr(s + pos, '\n', len - pos);

    ln.start = pos;
    ln.end = nl ? (size_t)(nl - s) : len;
    ln.next = nl ? ln.end + 1 : len;
    if (ln.end > ln.start && s[ln.end - 1] == '\r') ln.end--;
    return ln;
}

/*
 * Match phrase ph (lower-case ASCII; a space in it stands for one or more
 * spaces) case-insensitively at s[i..end). On a match, store the end in
 * *after and return 1. The caller checks what follows (word boundary).
 */
static int match_phrase(const char *s, size_t i, size_t end, const char *ph, size_t *after) {
    for (; *ph; ph++) {
        if (*ph == ' ') {
            size_t j = skip_space(s, i, end);
            if (j == i) return 0;
            i = j;
        } else {
            if (i >= end || lower_ascii(byte_at(s, i)) != (unsigned char)*ph) return 0;
            i++;
        }
    }
    *after = i;
    return 1;
}

/* 1 when s[i] does not continue an ASCII word (end of text, or not alnum). */
static int word_boundary(const char *s, size_t i, size_t end) {
    return i >= end || !(is_alpha_ascii(byte_at(s, i)) || is_digit_ascii(byte_at(s, i)));
}

/*
 * Skip what may trail a stock phrase or a label on its line: spaces and
 * the marks . : ! | - > and … » › → ("Read more »", "Advertisement:").
 */
static size_t skip_trailing(const char *s, size_t i, size_t end) {
    for (;;) {
        size_t n = space_len(s, i, end);
        if (n == 0 && i < end) {
            unsigned c = byte_at(s, i);
            if (c == '.' || c == ':' || c == '!' || c == '|' || c == '-' || c == '>') {
                n = 1;
            } else if (c >= 0x80) {
                size_t k;
                uint32_t cp = utf8_at(s, i, end, &k);
                if (cp == 0x2026 || cp == 0xBB || cp == 0x203A || cp == 0x2192) n = k;
            }
        }
        if (n == 0) return i;
        i += n;
    }
}

/* Length of a dash at s[i]: "—" or "–" (3), "--" (2), "-" (1), or 0. */
static size_t dash_len(const char *s, size_t i, size_t end) {
    if (i >= end) return 0;
    if (s[i] == '-') return (i + 1 < end && s[i + 1] == '-') ? 2 : 1;
    if (byte_at(s, i) == 0xE2 && end - i >= 3 && byte_at(s, i + 1) == 0x80 &&
        (byte_at(s, i + 2) == 0x94 || byte_at(s, i + 2) == 0x93))
        return 3;
    return 0;
}

/*
 * A capitalised word at s[i..]: an upper-case letter, then letters and the
 * marks allowed inside names (. - & '), up to a space or end. Returns the
 * end of the word, or i when the word does not qualify.
 */
static size_t cap_word(const char *s, size_t i, size_t end) {
    size_t j = i, n;
    int first = 1;

    while (j < end && space_len(s, j, end) == 0) {
        unsigned c = byte_at(s, j);
        if (c == '.' || c == '-' || c == '&' || c == '\'') {
            if (first) return i;
            j++;
            continue;
        }
        int lc = letter_case(utf8_at(s, j, end, &n));
        if (lc == CASE_NONE || (first && lc != CASE_UPPER)) return i;
        first = 0;
        j += n;
    }
    return first ? i : j;
}

/* ------------------------------------------------------------------ */
/* Front matter                                                        */
/* ------------------------------------------------------------------ */

/* 1 when line [a, b) is exactly the fence f, trailing spaces aside. */
static int is_fence(const char *s, size_t a, size_t b, const char *f) {
    size_t n = strlen(f);
    b = trim_right(s, a, b);
    return b - a == n && memcmp(s + a, f, n) == 0;
}

static int ci_equal(const char *s, size_t n, const char *word) {
    size_t i;
    if (strlen(word) != n) return 0;
    for (i = 0; i < n; i++)
        if (lower_ascii(byte_at(s, i)) != (unsigned char)word[i]) return 0;
    return 1;
}

/* Clear every value, set fm->err to "front matter: line N: msg" (or, when
 * msg is NULL, to the missing-closing-line message for a block opened at
 * line N) and return -1. */
static int fm_fail(en_frontmatter *fm, unsigned lineno, const char *msg) {
    *fm = (en_frontmatter){0};
    fm->present = 1;
    fm->body_line = 1;
    fm->err_line = lineno;
    if (msg)
        snprintf(fm->err, sizeof fm->err, "front matter: line %u: %s", lineno, msg);
    else
        snprintf(fm->err, sizeof fm->err, "front matter: no closing '---' (opened at line %u)",
                 lineno);
    return -1;
}

/*
 * Store one key/value pair: a known key (case-insensitive) sets its field,
 * any other key goes to extra. A repeated key overrides the earlier value
 * (last wins, known and extra alike); past EN_FM_MAX_EXTRA distinct extra
 * keys, the later ones are dropped so that the first ones are kept.
 */
static void fm_store(en_frontmatter *fm, const char *k, size_t kn, const char *v, size_t vn) {
    static const char *const names[] = {"title", "date", "source", "url", "lang", "id"};
    const char **vals[] = {&fm->title, &fm->date, &fm->source, &fm->url, &fm->lang, &fm->id};
    size_t *lens[] = {&fm->title_len, &fm->date_len, &fm->source_len,
                      &fm->url_len,   &fm->lang_len, &fm->id_len};
    size_t i;

    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (ci_equal(k, kn, names[i])) {
            *vals[i] = v;
            *lens[i] = vn;
            return;
        }
    }
    for (i = 0; i < fm->nextra; i++) {
        if (fm->extra[i].key_len != kn) continue;
        size_t j;
        for (j = 0; j < kn; j++)
            if (lower_ascii(byte_at(fm->extra[i].key, j)) != lower_ascii(byte_at(k, j))) break;
        if (j == kn) {
            fm->extra[i].val = v;
            fm->extra[i].val_len = vn;
            return;
        }
    }
    if (fm->nextra < EN_FM_MAX_EXTRA) {
        fm->extra[fm->nextra].key = k;
        fm->extra[fm->nextra].key_len = kn;
        fm->extra[fm->nextra].val = v;
        fm->extra[fm->nextra].val_len = vn;
        fm->nextra++;
    }
}

/*
 * Parse one "key: value" line [a, b) (trimmed, not blank, not a comment).
 * Returns NULL and stores the pair, or returns the error message.
 */
static const char *fm_line(en_frontmatter *fm, const char *s, size_t a, size_t b) {
    size_t colon = b, i, v, ve;

    for (i = a; i < b; i++) {
        if (s[i] == ':' && (i + 1 == b || s[i + 1] == ' ' || s[i + 1] == '\t')) {
            colon = i;
            break;
        }
    }
    if (colon == b) {
        const char *c = memchr(s + a, ':', b - a);
        if (!c) return "expected 'key: value'";
        colon = (size_t)(c - s);
    }
    size_t ke = trim_right(s, a, colon);
    if (ke == a) return "empty key";

    v = skip_space(s, colon + 1, b);
    ve = b;
    if (v < b && (s[v] == '"' || s[v] == '\'')) {
        char q = s[v];
        size_t close = b;
        for (i = v + 1; i < b; i++) {
            if (q == '"' && s[i] == '\\' && i + 1 < b) {
                i++; /* \" and \\ are kept as written */
            } else if (q == '\'' && s[i] == '\'' && i + 1 < b && s[i + 1] == '\'') {
                i++; /* '' is kept as written */
            } else if (s[i] == q) {
                close = i;
                break;
            }
        }
        if (close == b) return "unterminated quote";
        size_t rest = skip_space(s, close + 1, b);
        if (rest == b || s[rest] == '#') {
            v++;
            ve = close;
        }
        /* else: text after the closing quote, keep the value raw */
    }
    fm_store(fm, s + a, ke - a, s + v, ve - v);
    return NULL;
}

/*
 * Parse the front matter at the start of s (see meta.h for the format).
 * Walks the lines after the opening "---" until a closing "---" or "...",
 * storing pairs as it goes; the first malformed line stops it with an
 * error naming that line.
 */
int en_front_matter(const char *s, size_t len, en_frontmatter *fm) {
    size_t pos;
    unsigned lineno = 1;
    line ln;

    if (!fm) return -1;
    *fm = (en_frontmatter){0};
    fm->body_line = 1;
    if (!s || len == 0) return 0;

    pos = has_bom(s, len) ? 3 : 0;
    ln = line_at(s, len, pos);
    if (!is_fence(s, ln.start, ln.end, "---")) return 0;

    for (pos = ln.next; pos < len; pos = ln.next) {
        lineno++;
        ln = line_at(s, len, pos);
        if (is_fence(s, ln.start, ln.end, "---") || is_fence(s, ln.start, ln.end, "...")) {
            fm->present = 1;
            fm->body = ln.next;
            fm->body_line = lineno + 1;
            return 0;
        }
        size_t a = skip_space(s, ln.start, ln.end);
        size_t b = trim_right(s, a, ln.end);
        if (a == b || s[a] == '#') continue;
        const char *msg = fm_line(fm, s, a, b);
        if (msg) return fm_fail(fm, lineno, msg);
    }
    return fm_fail(fm, 1, NULL);
}

/* ------------------------------------------------------------------ */
/* Boilerplate lines                                                   */
/* ------------------------------------------------------------------ */

enum stock_mode {
    STOCK_WHOLE,     /* the phrase is the whole line (trailing marks aside) */
    STOCK_PREFIX,    /* the phrase starts a short line: "Follow us on X" */
    STOCK_COLON,     /* the phrase and a colon start the line: "Read more: ..." */
    STOCK_COPYRIGHT, /* "Copyright" followed by ©, (c) or a year */
};

/* The well-known stock phrases of news sites, lower case. Only whole lines
 * are ever matched, so an ordinary sentence containing one is safe. */
static const struct stock {
    const char *phrase;
    int mode;
} stock_phrases[] = {
    {"subscribe to our newsletter", STOCK_WHOLE},
    {"subscribe to our newsletters", STOCK_WHOLE},
    {"subscribe now", STOCK_WHOLE},
    {"subscribe", STOCK_WHOLE},
    {"sign up for", STOCK_PREFIX},
    {"sign up to our newsletter", STOCK_WHOLE},
    {"read more", STOCK_WHOLE},
    {"read more", STOCK_COLON},
    {"read also", STOCK_COLON},
    {"also read", STOCK_COLON},
    {"share this article", STOCK_WHOLE},
    {"share this story", STOCK_WHOLE},
    {"share this", STOCK_WHOLE},
    {"share", STOCK_WHOLE},
    {"advertisement", STOCK_WHOLE},
    {"advertisements", STOCK_WHOLE},
    {"scroll to continue with content", STOCK_WHOLE},
    {"story continues below advertisement", STOCK_WHOLE},
    {"continue reading", STOCK_WHOLE},
    {"follow us on", STOCK_PREFIX},
    {"click here", STOCK_PREFIX},
    {"all rights reserved", STOCK_WHOLE},
    {"copyright", STOCK_COPYRIGHT},
    {"related articles", STOCK_WHOLE},
    {"related stories", STOCK_WHOLE},
    {"related news", STOCK_WHOLE},
    {"skip to content", STOCK_WHOLE},
    {"skip to main content", STOCK_WHOLE},
    {"listen to this article", STOCK_WHOLE},
    {"print this article", STOCK_WHOLE},
    {"leave a comment", STOCK_WHOLE},
    {"back to top", STOCK_WHOLE},
};

/* Longest line a stock phrase may stand on (prefix forms included). */
#define STOCK_MAX_LINE 120

/* 1 when trimmed line [a, b) is a stock web phrase (see stock_phrases). */
static int is_stock(const char *s, size_t a, size_t b) {
    size_t i, k, n;

    if (a >= b || b - a > STOCK_MAX_LINE) return 0;
    if (utf8_at(s, a, b, &n) == 0xA9) /* "© 2025 Bernama" */
        return a + n < b && (space_len(s, a + n, b) > 0 || is_digit_ascii(byte_at(s, a + n)));
    for (i = 0; i < sizeof stock_phrases / sizeof stock_phrases[0]; i++) {
        const struct stock *st = &stock_phrases[i];
        if (!match_phrase(s, a, b, st->phrase, &k) || !word_boundary(s, k, b)) continue;
        size_t j = skip_space(s, k, b);
        switch (st->mode) {
        case STOCK_WHOLE:
            if (skip_trailing(s, k, b) == b) return 1;
            break;
        case STOCK_PREFIX:
            return 1;
        case STOCK_COLON:
            if (j < b && s[j] == ':') return 1;
            break;
        default: /* STOCK_COPYRIGHT */
            if (j < b && (is_digit_ascii(byte_at(s, j)) || utf8_at(s, j, b, &n) == 0xA9 ||
                          match_phrase(s, j, b, "(c)", &k)))
                return 1;
            break;
        }
    }
    return 0;
}

/* Length of a breadcrumb separator at s[i] of line [a, b), 0 when none:
 * "»" and "›" anywhere; ">" and "/" only with spaces around them, so that
 * "and/or" and "a>b" do not split. */
static size_t crumb_sep(const char *s, size_t i, size_t a, size_t b) {
    if (i >= b) return 0;
    unsigned c = byte_at(s, i);
    if (c == '>' || c == '/') {
        int before = i == a || s[i - 1] == ' ' || s[i - 1] == '\t';
        int after = i + 1 < b && (s[i + 1] == ' ' || s[i + 1] == '\t');
        return before && after ? 1 : 0;
    }
    if (c == 0xC2 && i + 1 < b && byte_at(s, i + 1) == 0xBB) return 2;
    if (c == 0xE2 && b - i >= 3 && byte_at(s, i + 1) == 0x80 && byte_at(s, i + 2) == 0xBA) return 3;
    return 0;
}

/* 1 when [a, b) is a short breadcrumb part: 1 to 4 words of at most 40
 * bytes, starting with a capital, not ending like a sentence. */
static int short_part(const char *s, size_t a, size_t b) {
    size_t i = a, n;
    int words = 0;

    if (a >= b || b - a > 40) return 0;
    if (letter_case(utf8_at(s, a, b, &n)) != CASE_UPPER) return 0;
    unsigned last = byte_at(s, b - 1);
    if (last == '.' || last == '!' || last == '?' || last == ',' || last == ';' || last == ':')
        return 0;
    while (i < b) {
        while (i < b && space_len(s, i, b) == 0) i++;
        words++;
        i = skip_space(s, i, b);
    }
    return words <= 4;
}

/*
 * 1 when trimmed line [a, b) is a breadcrumb: "Home » World", "Home > News
 * > Asia", "News / Asia" (the first part Home, Homepage or News, then a
 * separator and something), or a line that starts with "»", "›" or "/ "
 * and holds at least two short parts ("» World » Asia"). A line starting
 * with ">" is a Markdown quote, never a breadcrumb.
 */
static int is_crumb(const char *s, size_t a, size_t b) {
    static const char *const heads[] = {"home page", "homepage", "home", "news"};
    size_t i, k, n;
    int parts = 0;

    for (i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        if (!match_phrase(s, a, b, heads[i], &k) || !word_boundary(s, k, b)) continue;
        k = skip_space(s, k, b);
        n = crumb_sep(s, k, a, b);
        if (n && skip_space(s, k + n, b) < b) return 1;
    }
    if (b - a > 200 || s[a] == '>' || crumb_sep(s, a, a, b) == 0) return 0;
    i = a;
    while (i < b) {
        n = crumb_sep(s, i, a, b);
        if (n) {
            i = skip_space(s, i + n, b);
            continue;
        }
        k = i;
        while (k < b && crumb_sep(s, k, a, b) == 0) k++;
        if (!short_part(s, i, trim_right(s, i, k))) return 0;
        parts++;
        i = k;
    }
    return parts >= 2;
}

/* 1 when [a, b) is one of the small words a name or label may hold. */
static int is_connector(const char *s, size_t a, size_t b) {
    static const char *const words[] = {"and", "of",  "the", "for", "in", "de", "da",
                                        "do",  "del", "la",  "le",  "el", "al", "am"};
    size_t i;
    for (i = 0; i < sizeof words / sizeof words[0]; i++)
        if (ci_equal(s + a, b - a, words[i])) return 1;
    return 0;
}

/*
 * 1 when trimmed line [a, b) looks like a section label: one to three
 * capitalised words ("World", "Asia Pacific", "Science & Tech"), at most
 * 40 bytes, no digits, nothing after the last letter (so no final
 * punctuation). Where such a line counts is up to the caller.
 */
static int is_section_label(const char *s, size_t a, size_t b) {
    size_t i = a;
    int words = 0;

    if (a >= b || b - a > 40) return 0;
    while (i < b) {
        size_t j = i, n;
        while (j < b && space_len(s, j, b) == 0) j++;
        int middle = words > 0 && j < b;
        if (!(middle && (is_connector(s, i, j) || (j - i == 1 && s[i] == '&')))) {
            if (cap_word(s, i, j) != j) return 0;
            /* the last byte must end a letter, not a mark */
            size_t last = j - 1;
            while (last > i && (byte_at(s, last) & 0xC0) == 0x80) last--;
            if (letter_case(utf8_at(s, last, j, &n)) == CASE_NONE) return 0;
        }
        if (++words > 3) return 0;
        i = skip_space(s, j, b);
    }
    return words >= 1;
}

/* Labels that head a story rather than name a place, lower case. */
static const char *const story_labels[] = {
    "breaking news", "breaking",   "update",     "updated",    "exclusive",      "analysis",
    "news analysis", "opinion",    "editorial",  "comment",    "commentary",     "explainer",
    "factbox",       "fact check", "correction", "developing", "just in",        "live",
    "watch",         "interview",  "feature",    "review",     "special report",
};

/* If a story label starts s[a..b) (case-insensitive, whole words), return
 * the end of the label; else return a. */
static size_t story_label(const char *s, size_t a, size_t b) {
    size_t i, k;
    for (i = 0; i < sizeof story_labels / sizeof story_labels[0]; i++) {
        if (!match_phrase(s, a, b, story_labels[i], &k) || !word_boundary(s, k, b)) continue;
        /* a label ends at a colon or the end: "BREAKING" alone does not
         * match "BREAKING NEWS:", the longer entry does */
        if (k == b || s[k] == ':' || skip_trailing(s, k, b) == b) return k;
    }
    return a;
}

/* 1 when trimmed line [a, b) is a story label alone: "UPDATE:", "Opinion". */
static int is_label_line(const char *s, size_t a, size_t b) {
    size_t k = story_label(s, a, b);
    return k > a && skip_trailing(s, k, b) == b;
}

/*
 * An all-caps story label opening a paragraph: "BREAKING: ", "UPDATE: ".
 * Returns the end of the label with its colon and spaces, or a. Lower-case
 * forms ("Update: the ministry said") are left as text.
 */
static size_t label_prefix(const char *s, size_t a, size_t b) {
    size_t k = story_label(s, a, b), i;
    if (k == a || k >= b || s[k] != ':') return a;
    for (i = a; i < k; i++)
        if (byte_at(s, i) >= 'a' && byte_at(s, i) <= 'z') return a;
    i = skip_space(s, k + 1, b);
    return (i > k + 1 && i < b) ? i : a;
}

/* ------------------------------------------------------------------ */
/* Dateline                                                            */
/* ------------------------------------------------------------------ */

typedef struct dateline {
    size_t place, place_end, date, date_end, agency, agency_end, stop;
    int month, day, year;
} dateline;

/*
 * The place of a dateline at s[a..b): words in capitals ("KUALA LUMPUR",
 * "WASHINGTON D.C.") or, when title is set, capitalised words ("Jakarta",
 * "Rio de Janeiro"). Words hold letters, dots, hyphens and apostrophes;
 * a word with a digit or another mark ends the place there, and the
 * caller's check of what follows then fails. Returns the end of the place,
 * or a when there is none, or when it has more than 4 words or fewer than
 * 3 letters.
 */
static size_t parse_place(const char *s, size_t a, size_t b, int title) {
    size_t p = a, pend = a, n, letters = 0;
    int words = 0;

    for (;;) {
        size_t j = p, tl = 0;
        int lower = 0, first_upper = 0, ok = 1;
        while (j < b) {
            unsigned c = byte_at(s, j);
            if (c == ' ' || c == '\t' || c == ',' || c == ':' || c == '(' || space_len(s, j, b) > 0)
                break;
            if (c == '.' || c == '-' || c == '\'') {
                if (j == p) ok = 0;
                if (!ok) break;
                j++;
                continue;
            }
            int lc = letter_case(utf8_at(s, j, b, &n));
            if (lc == CASE_NONE) {
                ok = 0;
                break;
            }
            if (j == p) first_upper = lc == CASE_UPPER;
            if (lc == CASE_LOWER) lower = 1;
            tl++;
            j += n;
        }
        if (!ok || tl == 0) break;
        int accept =
            title ? (first_upper || (words > 0 && is_connector(s, p, j))) : (first_upper && !lower);
        if (!accept) break;
        if (++words > 4) return a;
        letters += tl;
        pend = j;
        size_t k = skip_space(s, j, b);
        if (k == j || k >= b || s[k] == '(') break;
        p = k;
    }
    return letters >= 3 ? pend : a;
}

/* Days in a month (February with its leap day). */
static int month_days(int month) {
    static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return days[month - 1];
}

/* Read up to maxd digits at s[i] that are not followed by another digit.
 * Returns the end, or i when there are none or too many. */
static size_t read_number(const char *s, size_t i, size_t b, size_t maxd, int *val) {
    size_t j = i;
    int v = 0;
    while (j < b && is_digit_ascii(byte_at(s, j)) && j - i < maxd) {
        v = v * 10 + (int)(byte_at(s, j) - '0');
        j++;
    }
    if (j == i || (j < b && is_digit_ascii(byte_at(s, j)))) return i;
    *val = v;
    return j;
}

/* An English month name or abbreviation at s[i] ("Jan", "Jan.", "January",
 * "Sept."), capitalised. Returns its end (with the dot) or i. */
static size_t parse_month(const char *s, size_t i, size_t b, int *month) {
    static const struct {
        const char *name;
        int month, abbrev;
    } months[] = {
        {"january", 1, 0},   {"february", 2, 0}, {"march", 3, 0},     {"april", 4, 0},
        {"may", 5, 0},       {"june", 6, 0},     {"july", 7, 0},      {"august", 8, 0},
        {"september", 9, 0}, {"october", 10, 0}, {"november", 11, 0}, {"december", 12, 0},
        {"jan", 1, 1},       {"feb", 2, 1},      {"mar", 3, 1},       {"apr", 4, 1},
        {"jun", 6, 1},       {"jul", 7, 1},      {"aug", 8, 1},       {"sep", 9, 1},
        {"sept", 9, 1},      {"oct", 10, 1},     {"nov", 11, 1},      {"dec", 12, 1},
    };
    size_t j = i, m;

    while (j < b && is_alpha_ascii(byte_at(s, j)) && j - i < 10) j++;
    if (j == i || !word_boundary(s, j, b) || byte_at(s, i) < 'A' || byte_at(s, i) > 'Z') return i;
    for (m = 0; m < sizeof months / sizeof months[0]; m++) {
        if (!ci_equal(s + i, j - i, months[m].name)) continue;
        *month = months[m].month;
        if (months[m].abbrev && j < b && s[j] == '.') j++;
        return j;
    }
    return i;
}

/*
 * The date of a dateline at s[i]: "May 14", "Sept. 3", "Aug 21, 2025" or
 * "8 January 2025". Fills the date fields of d and returns 1 when the date
 * is real (day within its month).
 */
static int parse_date(const char *s, size_t i, size_t b, dateline *d) {
    int month = 0, day = 0, year = 0;
    size_t j, k, end;

    if ((j = parse_month(s, i, b, &month)) > i) {
        k = skip_space(s, j, b);
        if (k == j || (end = read_number(s, k, b, 2, &day)) == k) return 0;
        /* optional year: "May 14, 2025" or "May 14 2025" */
        k = (end < b && s[end] == ',') ? skip_space(s, end + 1, b) : skip_space(s, end, b);
        if (k > end && (j = read_number(s, k, b, 4, &year)) == k + 4 && word_boundary(s, j, b))
            end = j;
        else
            year = 0;
    } else if ((j = read_number(s, i, b, 2, &day)) > i) {
        k = skip_space(s, j, b);
        if (k == j || (end = parse_month(s, k, b, &month)) == k) return 0;
        k = skip_space(s, end, b);
        if (k > end && (j = read_number(s, k, b, 4, &year)) == k + 4 && word_boundary(s, j, b))
            end = j;
        else
            year = 0;
    } else {
        return 0;
    }
    if (day < 1 || day > month_days(month)) return 0;
    d->date = i;
    d->date_end = end;
    d->month = month;
    d->day = day;
    d->year = year;
    return 1;
}

/* An agency in brackets at s[i] == '(': "(Bernama)", "(AP)", "(ANTARA)".
 * One to four words of letters, digits and . - & / ', starting with a
 * letter, at most 48 bytes. Returns the end after ")" and fills d->agency,
 * or returns i. */
static size_t parse_agency(const char *s, size_t i, size_t b, dateline *d) {
    size_t a = i + 1, j, n;
    int words = 0;

    for (j = a; j < b && s[j] != ')'; j += n) {
        unsigned c = byte_at(s, j);
        n = 1;
        if (j - a >= 48) return i;
        if (c == ' ') {
            if (j == a || s[j - 1] == ' ') return i;
            continue;
        }
        if (j == a || s[j - 1] == ' ') words++;
        if (is_alpha_ascii(c) || is_digit_ascii(c) || c == '.' || c == '-' || c == '&' ||
            c == '/' || c == '\'')
            continue;
        if (c < 0x80 || letter_case(utf8_at(s, j, b, &n)) == CASE_NONE) return i;
    }
    if (j >= b || j == a || s[j - 1] == ' ' || words > 4) return i;
    if (letter_case(utf8_at(s, a, j, &n)) == CASE_NONE) return i;
    d->agency = a;
    d->agency_end = j;
    return j + 1;
}

/* 1 when s[i] can start a sentence: a capital, a digit or an opening quote. */
static int sentence_start(const char *s, size_t i, size_t b) {
    size_t n;
    uint32_t cp = utf8_at(s, i, b, &n);
    return letter_case(cp) == CASE_UPPER || is_digit_ascii(cp) || cp == '"' || cp == '\'' ||
           cp == 0x201C || cp == 0x2018 || cp == 0xAB;
}

/*
 * What follows the place [a, pend): "PLACE: " (capitals only, and a
 * sentence must start after it), or ", <date>" and/or "(<Agency>)" then a
 * dash (or a colon). A place in title case needs the agency ("Jakarta, Jan
 * 9 (ANTARA) -") starting with a capital: without it, "Rome, he said -"
 * or a caption "Anwar Ibrahim (left) -" would pass.
 */
static int finish_dateline(const char *s, size_t a, size_t pend, size_t b, int title, dateline *d) {
    size_t i = pend, k, n;
    int have_date = 0, have_agency = 0;

    *d = (dateline){0};
    d->place = a;
    d->place_end = pend;
    if (i < b && s[i] == ':') {
        k = skip_space(s, i + 1, b);
        if (title || k == i + 1 || k >= b || !sentence_start(s, k, b)) return 0;
        d->stop = k;
        return 1;
    }
    if (i < b && s[i] == ',') {
        if (!parse_date(s, skip_space(s, i + 1, b), b, d)) return 0;
        have_date = 1;
        i = d->date_end;
    }
    k = skip_space(s, i, b);
    if (k < b && s[k] == '(') {
        if ((i = parse_agency(s, k, b, d)) == k) return 0;
        /* after a title-case place, "(left)" is a caption, not an agency */
        if (title && letter_case(utf8_at(s, d->agency, d->agency_end, &n)) != CASE_UPPER) return 0;
        have_agency = 1;
        k = skip_space(s, i, b);
    }
    if (!(have_agency || (have_date && !title))) return 0;
    n = dash_len(s, k, b);
    if (n == 0 && k < b && s[k] == ':') n = 1;
    if (n == 0) return 0;
    d->stop = skip_space(s, k + n, b);
    return 1;
}

/* A dateline at the start of [a, b) (the first line of the first
 * paragraph): capitals first, then title case with an agency. A story
 * label is never a place. */
static int parse_dateline(const char *s, size_t a, size_t b, dateline *d) {
    int title;
    for (title = 0; title <= 1; title++) {
        size_t pend = parse_place(s, a, b, title);
        if (pend == a) continue;
        if (story_label(s, a, pend) == pend) return 0;
        if (finish_dateline(s, a, pend, b, title, d)) return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Sign-off and the scan                                               */
/* ------------------------------------------------------------------ */

/* A sign-off on trimmed line [a, b): a dash and one to three capitalised
 * words ("— Bernama", "-- Reuters"). Sets [*ag, *ag_end) to the words. */
static int parse_signoff(const char *s, size_t a, size_t b, size_t *ag, size_t *ag_end) {
    size_t n = dash_len(s, a, b), i, j;
    int words = 0;

    if (n == 0) return 0;
    i = skip_space(s, a + n, b);
    if (i >= b) return 0;
    *ag = i;
    while (i < b) {
        j = cap_word(s, i, b);
        if (j == i || ++words > 3) return 0;
        i = skip_space(s, j, b);
    }
    *ag_end = b;
    return 1;
}

/* Add a span if there is room and its offsets fit the uint32_t fields. */
static void add_span(en_textmeta *out, size_t cap, size_t start, size_t stop, int kind) {
    if (out->nspans >= cap || stop > UINT32_MAX || start >= stop) return;
    out->spans[out->nspans].start = (uint32_t)start;
    out->spans[out->nspans].stop = (uint32_t)stop;
    out->spans[out->nspans].kind = kind;
    out->nspans++;
}

/* Trimmed text [*a, *b) of line ln; the BOM of the first line is skipped. */
static void trimmed(const char *s, size_t len, line ln, size_t *a, size_t *b) {
    size_t start = (ln.start == 0 && has_bom(s, len)) ? 3 : ln.start;
    if (start > ln.end) start = ln.end;
    *a = skip_space(s, start, ln.end);
    *b = trim_right(s, *a, ln.end);
}

/* Most spans the tail scan may take, so the head always has room too. */
#define TAIL_MAX (EN_META_MAX_SPANS / 2)

typedef struct tail {
    size_t start; /* where the tail begins (len when empty) */
    size_t n;
    en_mspan spans[TAIL_MAX]; /* in reverse order */
    size_t ag, ag_end;        /* sign-off agency, ag_end == 0 when none */
} tail;

/*
 * Scan the text backwards from its end over blank lines, stock-phrase and
 * breadcrumb lines, and one sign-off line. Done first so that the sign-off
 * and the trailing boilerplate keep their place in the span list however
 * many boilerplate lines the middle of the text holds. A dash line right
 * below another dash line is a list item, not a sign-off.
 */
static void scan_tail(const char *s, size_t len, tail *t) {
    size_t e = len;

    t->start = len;
    t->n = 0;
    t->ag = t->ag_end = 0;
    while (e > 0 && t->n < TAIL_MAX) {
        size_t le = (s[e - 1] == '\n') ? e - 1 : e, ls = le, a, b, ag, ag_end;
        while (ls > 0 && s[ls - 1] != '\n') ls--;
        line ln = {ls, le, e};
        if (ln.end > ln.start && s[ln.end - 1] == '\r') ln.end--;
        trimmed(s, len, ln, &a, &b);
        e = ls;
        if (a == b) continue;
        int kind = 0;
        if (is_stock(s, a, b) || is_crumb(s, a, b)) {
            kind = EN_SPAN_BOILERPLATE;
        } else if (parse_signoff(s, a, b, &ag, &ag_end)) {
            /* the previous non-blank line must not be a dash item too */
            size_t pe = e, pa = 0, pb = 0;
            while (pe > 0) {
                size_t ple = (s[pe - 1] == '\n') ? pe - 1 : pe, pls = ple;
                while (pls > 0 && s[pls - 1] != '\n') pls--;
                line pl = {pls, ple, pe};
                trimmed(s, len, pl, &pa, &pb);
                pe = pls;
                if (pa < pb) break;
            }
            if (pa < pb && dash_len(s, pa, pb) > 0 && space_len(s, pa + dash_len(s, pa, pb), pb))
                break;
            kind = EN_SPAN_SIGNOFF;
            t->ag = ag;
            t->ag_end = ag_end;
        } else {
            break;
        }
        if (ln.end > UINT32_MAX) break;
        t->spans[t->n].start = (uint32_t)(ln.start == 0 && has_bom(s, len) ? 3 : ln.start);
        t->spans[t->n].stop = (uint32_t)ln.end;
        t->spans[t->n].kind = kind;
        t->n++;
        t->start = ln.start;
        if (kind == EN_SPAN_SIGNOFF) break;
    }
}

/* 1 when the line after ln is blank and the next non-blank line after that
 * has at least four words: the body that a top section label heads. */
static int blank_then_text(const char *s, size_t len, line ln) {
    size_t a, b, i;
    int words = 0;

    if (ln.next >= len) return 0;
    ln = line_at(s, len, ln.next);
    trimmed(s, len, ln, &a, &b);
    if (a != b) return 0;
    while (ln.next < len) {
        ln = line_at(s, len, ln.next);
        trimmed(s, len, ln, &a, &b);
        if (a < b) break;
    }
    for (i = a; i < b && words < 4; words++) {
        while (i < b && space_len(s, i, b) == 0) i++;
        i = skip_space(s, i, b);
    }
    return words >= 4;
}

/*
 * Scan [0, stop) forwards: boilerplate lines anywhere (stock phrases,
 * breadcrumbs, a section label right after a breadcrumb), and before the
 * first real paragraph also story-label lines and a section label at the
 * very top. At the first line of the first non-boilerplate paragraph, look
 * for a story label and a dateline; nowhere else.
 */
static void scan_head(const char *s, size_t len, size_t stop, size_t cap, en_textmeta *out) {
    size_t pos = 0, a, b;
    int after_crumb = 0, found_para = 0, top_label = 0;

    while (pos < stop && out->nspans < cap) {
        line ln = line_at(s, len, pos);
        pos = ln.next;
        trimmed(s, len, ln, &a, &b);
        if (a == b) continue;
        size_t start = (ln.start == 0 && has_bom(s, len)) ? 3 : ln.start;
        if (is_crumb(s, a, b)) {
            add_span(out, cap, start, ln.end, EN_SPAN_BOILERPLATE);
            after_crumb = 1;
            continue;
        }
        if (is_stock(s, a, b) || (after_crumb && is_section_label(s, a, b))) {
            add_span(out, cap, start, ln.end, EN_SPAN_BOILERPLATE);
            after_crumb = 0;
            continue;
        }
        after_crumb = 0;
        if (found_para) continue;
        if (is_label_line(s, a, b)) {
            add_span(out, cap, start, ln.end, EN_SPAN_BOILERPLATE);
            continue;
        }
        if (!top_label && is_section_label(s, a, b) && blank_then_text(s, len, ln)) {
            add_span(out, cap, start, ln.end, EN_SPAN_BOILERPLATE);
            top_label = 1;
            continue;
        }
        found_para = 1;
        size_t p = label_prefix(s, a, b);
        if (p > a) add_span(out, cap, a, p, EN_SPAN_BOILERPLATE);
        dateline d;
        if (parse_dateline(s, p, b, &d) && out->nspans < cap && d.stop <= UINT32_MAX) {
            add_span(out, cap, d.place, d.stop, EN_SPAN_DATELINE);
            out->place = s + d.place;
            out->place_len = d.place_end - d.place;
            if (d.date_end > d.date) {
                out->date = s + d.date;
                out->date_len = d.date_end - d.date;
            }
            out->month = d.month;
            out->day = d.day;
            out->year = d.year;
            if (d.agency_end > d.agency) {
                out->agency = s + d.agency;
                out->agency_len = d.agency_end - d.agency;
            }
        }
    }
}

/*
 * Detect the dateline, the sign-off and boilerplate lines (see meta.h).
 * The tail is scanned first and reserved its spans, then the head; the
 * two regions do not overlap, so the spans come out sorted and disjoint.
 */
void en_detect_meta(const char *text, size_t len, en_textmeta *out) {
    tail t;
    size_t i;

    if (!out) return;
    *out = (en_textmeta){0};
    if (!text || len == 0) return;
    scan_tail(text, len, &t);
    scan_head(text, len, t.start, EN_META_MAX_SPANS - t.n, out);
    for (i = t.n; i > 0; i--) out->spans[out->nspans++] = t.spans[i - 1];
    if (!out->agency && t.ag_end > t.ag) {
        out->agency = text + t.ag;
        out->agency_len = t.ag_end - t.ag;
    }
}

const char *en_spankind_name(int kind) {
    switch (kind) {
    case EN_SPAN_DATELINE:
        return "dateline";
    case EN_SPAN_SIGNOFF:
        return "signoff";
    case EN_SPAN_BOILERPLATE:
        return "boilerplate";
    default:
        return NULL;
    }
}
