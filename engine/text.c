/*
 * text.c: the text layer of entente (contract in text.h).
 *
 * Five parts, each a pure function of its input: growable buffers; UTF-8
 * validation, repair and decoding; the tokenizer; the sentence splitter;
 * and folding for matching. Offsets are byte offsets into the caller's
 * text everywhere, and nothing here writes to the text it is given.
 *
 * Speed matters: every document of a corpus goes through the tokenizer and
 * the splitter. ASCII takes table-driven fast paths; utf8proc is consulted
 * only for code points above U+007F. The tokenizer and the splitter
 * allocate nothing but the growth of the caller's output arrays; en_fold
 * also uses utf8proc's own result (and a scratch copy for invalid input).
 *
 * The splitter's policies (which abbreviations end a sentence, how a text
 * is judged hard-wrapped, how quotations run across sentences) are
 * described at detect_layout, should_break and en_split_sentences.
 */
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ------------------------------------------------------------------ */
/* Growable buffers                                                    */
/* ------------------------------------------------------------------ */

/* Grow the array p of elem-byte elements so that it holds need elements,
 * doubling its capacity. Returns the (possibly moved) array, or NULL when
 * out of memory, in which case p and *cap are untouched. */
void *en_grow_array(void *p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return p;
    size_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > SIZE_MAX / 2 / elem) return NULL;
        c *= 2;
    }
    void *q = realloc(p, c * elem);
    if (!q) return NULL;
    *cap = c;
    return q;
}

/* Grow b so that n more bytes and a terminating NUL fit. Capacity doubles,
 * so appending byte by byte stays amortised O(1). */
int en_buf_reserve(en_buf *b, size_t n) {
    if (!b || b->len > SIZE_MAX - 1 || n > SIZE_MAX - 1 - b->len) return -1;
    size_t need = b->len + n + 1;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < need) {
            if (cap > SIZE_MAX / 2) {
                cap = need;
                break;
            }
            cap *= 2;
        }
        char *p = realloc(b->data, cap);
        if (!p) return -1;
        b->data = p;
        b->cap = cap;
    }
    b->data[b->len] = '\0';
    return 0;
}

int en_buf_append(en_buf *b, const void *p, size_t n) {
    if (en_buf_reserve(b, n) != 0) return -1;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

void en_buf_free(en_buf *b) {
    if (!b) return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

/* ------------------------------------------------------------------ */
/* UTF-8                                                               */
/* ------------------------------------------------------------------ */

/* Classify the bytes at s[i] against Table 3-7 of the Unicode standard
 * (well-formed UTF-8). Returns the length (1..4) of the well-formed
 * sequence there, or minus the length of its maximal ill-formed subpart:
 * the bytes that one U+FFFD replaces under the W3C/Unicode "maximal
 * subpart" practice. A NUL byte is ill-formed (-1) for our purposes. */
static int utf8_seq(const unsigned char *s, size_t len, size_t i) {
    unsigned b = s[i];
    if (b < 0x80) return b ? 1 : -1;
    unsigned lo = 0x80, hi = 0xBF;
    int need;
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
    } else if (b == 0xE0) {
        need = 2;
        lo = 0xA0; /* no overlongs */
    } else if (b == 0xED) {
        need = 2;
        hi = 0x9F; /* no surrogates */
    } else if (b >= 0xE1 && b <= 0xEF) {
        need = 2;
    } else if (b == 0xF0) {
        need = 3;
        lo = 0x90; /* no overlongs */
    } else if (b >= 0xF1 && b <= 0xF3) {
        need = 3;
    } else if (b == 0xF4) {
        need = 3;
        hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        return -1; /* 80..C1 (continuation or overlong lead), F5..FF */
    }
    for (int k = 1; k <= need; k++) {
        size_t at = i + (size_t)k;
        if (at >= len) return -k;
        unsigned c = s[at];
        if (c < lo || c > hi) return -k;
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

/* Eight bytes at a time while they are all ASCII and non-NUL. */
static size_t ascii_prefix(const unsigned char *s, size_t len, size_t i) {
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    while (i + 8 <= len) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if ((w & highs) || ((w - ones) & ~w & highs)) break;
        i += 8;
    }
    return i;
}

size_t en_utf8_check(const char *s, size_t len) {
    if (!s) return 0;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        i = ascii_prefix(u, len, i);
        if (i >= len) break;
        int r = utf8_seq(u, len, i);
        if (r < 0) return i;
        i += (size_t)r;
    }
    return len;
}

/* Repair by runs: copy each well-formed run in one append and put one
 * U+FFFD in place of each maximal ill-formed subpart, so that a truncated
 * sequence costs one replacement and the next character survives. */
long en_utf8_repair(const char *s, size_t len, en_buf *out, size_t *first_bad) {
    static const char fffd[3] = {'\xEF', '\xBF', '\xBD'};
    if (!out || (!s && len)) return -1;
    size_t bad = en_utf8_check(s, len);
    if (en_buf_reserve(out, len) != 0) return -1;
    if (bad == len) return en_buf_append(out, s, len) == 0 ? 0 : -1;
    if (first_bad) *first_bad = bad;
    const unsigned char *u = (const unsigned char *)s;
    long count = 0;
    size_t run = bad, i = bad; /* s[run..i) is well formed and not yet copied */
    if (en_buf_append(out, s, bad) != 0) return -1;
    while (i < len) {
        int r = utf8_seq(u, len, i);
        if (r > 0) {
            i += (size_t)r;
            continue;
        }
        if (en_buf_append(out, s + run, i - run) != 0) return -1;
        if (en_buf_append(out, fffd, sizeof fffd) != 0) return -1;
        count++;
        i += (size_t)-r;
        run = i;
    }
    if (en_buf_append(out, s + run, len - run) != 0) return -1;
    return count;
}

/* Decode the code point at s[i]. Defensive although the contract asks for
 * valid input: an ill-formed byte decodes as U+FFFD of length 1, and i at
 * or past the end gives -1 with length 0. */
static int32_t dec(const unsigned char *s, size_t len, size_t i, size_t *n) {
    if (i >= len) {
        *n = 0;
        return -1;
    }
    unsigned b = s[i];
    if (b < 0x80) {
        *n = 1;
        return (int32_t)b;
    }
    int r = utf8_seq(s, len, i);
    if (r <= 0) {
        *n = 1;
        return 0xFFFD;
    }
    *n = (size_t)r;
    uint32_t c;
    if (r == 2) {
        c = ((b & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
    } else if (r == 3) {
        c = ((b & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
    } else {
        c = ((b & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) |
            (s[i + 3] & 0x3Fu);
    }
    return (int32_t)c;
}

int32_t en_utf8_decode(const char *s, size_t len, size_t i, int *n) {
    size_t k = 0;
    int32_t c = s ? dec((const unsigned char *)s, len, i, &k) : -1;
    if (n) *n = (int)k;
    return c;
}

/* ------------------------------------------------------------------ */
/* Character classes                                                   */
/* ------------------------------------------------------------------ */

/* ASCII classes for the fast paths. */
enum {
    A_SP = 1,  /* space, tab, other controls: separates, not a line break */
    A_NL = 2,  /* \n \r \v \f: a line break */
    A_UP = 4,  /* A-Z */
    A_LO = 8,  /* a-z */
    A_DG = 16, /* 0-9 */
    A_WORD = A_UP | A_LO | A_DG
};

static const unsigned char ascii_class[128] = {
    /* 00 */ 1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  2, 2, 2, 2, 1, 1,
    /* 10 */ 1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1, 1, 1, 1, 1, 1,
    /* 20 */ 1,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0, 0, 0, 0, 0, 0,
    /* 30 */ 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 0, 0, 0, 0, 0, 0,
    /* 40 */ 0,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4, 4, 4, 4, 4, 4,
    /* 50 */ 4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4, 0, 0, 0, 0, 0,
    /* 60 */ 0,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8, 8, 8, 8, 8, 8,
    /* 70 */ 8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8, 0, 0, 0, 0, 1,
};

static int category(int32_t c) {
    return (int)utf8proc_category(c);
}

int en_is_letter(int32_t c) {
    if (c >= 0 && c < 0x80) return (ascii_class[c] & (A_UP | A_LO)) != 0;
    int k = category(c);
    return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO;
}

/* Uppercase means category Lu or Lt (titlecase digraphs such as ǅ start a
 * capitalised word just as an uppercase letter does). */
int en_is_upper(int32_t c) {
    if (c >= 0 && c < 0x80) return (ascii_class[c] & A_UP) != 0;
    int k = category(c);
    return k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LT;
}

/* A lowercase letter (category Ll)? */
static int is_lower_cp(int32_t c) {
    if (c >= 0 && c < 0x80) return (ascii_class[c] & A_LO) != 0;
    return category(c) == UTF8PROC_CATEGORY_LL;
}

/* Can code point c (with category k) be part of a word? Letters, marks
 * and numbers. */
static int cat_is_word(int k) {
    return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_NO;
}

static int is_word_at(const unsigned char *s, size_t len, size_t i) {
    if (i >= len) return 0;
    if (s[i] < 0x80) return (ascii_class[s[i]] & A_WORD) != 0;
    size_t n;
    return cat_is_word(category(dec(s, len, i, &n)));
}

/* Whitespace that is not a line break: Zs (NBSP, thin and narrow spaces,
 * ideographic space ...), C1 controls, zero-width space. */
static int is_space_cp(int32_t c, int k) {
    return k == UTF8PROC_CATEGORY_ZS || (k == UTF8PROC_CATEGORY_CC && c != 0x85) || c == 0x200B ||
           c == 0x180E;
}

/* Is the character at s[i] whitespace (or is i at the end)? */
static int space_or_end_at(const unsigned char *s, size_t len, size_t i) {
    if (i >= len) return 1;
    if (s[i] < 0x80) return (ascii_class[s[i]] & (A_SP | A_NL)) != 0;
    size_t n;
    int32_t c = dec(s, len, i, &n);
    int k = category(c);
    return is_space_cp(c, k) || k == UTF8PROC_CATEGORY_ZL || k == UTF8PROC_CATEGORY_ZP || c == 0x85;
}

/* Sentence-final marks; a run of them is one PUNCT token. */
static int is_terminal_cp(int32_t c) {
    switch (c) {
    case '.':
    case '!':
    case '?':
    case 0x2026: /* … */
    case 0x203C: /* ‼ */
    case 0x2047: /* ⁇ */
    case 0x2048: /* ⁈ */
    case 0x2049: /* ⁉ */
    case 0x3002: /* 。 */
    case 0xFF01: /* ！ */
    case 0xFF0E: /* ． */
    case 0xFF1F: /* ？ */
    case 0xFF61: /* ｡ */
        return 1;
    default:
        return 0;
    }
}

static int is_dash_cp(int32_t c) {
    return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0xFE58 || c == 0xFE63 || c == 0xFF0D;
}

/* Glyphs that are bullets when they start a line (and symbols elsewhere). */
static int is_bullet_glyph(int32_t c) {
    switch (c) {
    case 0x2022: /* • */
    case 0x2023: /* ‣ */
    case 0x2043: /* ⁃ */
    case 0x2219: /* ∙ */
    case 0x25A0: /* ■ */
    case 0x25A1: /* □ */
    case 0x25AA: /* ▪ */
    case 0x25AB: /* ▫ */
    case 0x25B6: /* ▶ */
    case 0x25B8: /* ▸ */
    case 0x25BA: /* ► */
    case 0x25C6: /* ◆ */
    case 0x25CF: /* ● */
    case 0x25E6: /* ◦ */
    case 0x27A2: /* ➢ */
    case 0x27A4: /* ➤ */
        return 1;
    default:
        return 0;
    }
}

/* ------------------------------------------------------------------ */
/* Tokenizer                                                           */
/* ------------------------------------------------------------------ */

/* Where a quote mark stands relative to the token before it. */
enum { CTX_SPACE, CTX_OPENING, CTX_ATTACHED };

/* Quote shapes, for the context rules. */
enum {
    Q_DOUBLE,    /* " “ ” „ ‟ ＂ and other Pi/Pf marks: direction by context */
    Q_SINGLE,    /* ' ’ ‘ ‚ ‛ ＇: a quote, or an apostrophe */
    Q_GUILLEMET, /* « » (and ‹ ›): direction by pairing, » may be a separator */
    Q_CJK_OPEN,  /* 「 『 */
    Q_CJK_CLOSE  /* 」 』 */
};

typedef struct tokenizer {
    const unsigned char *s;
    size_t len;
    en_tokens *out;
    size_t base;      /* out->n on entry: earlier tokens belong to another text */
    unsigned pending; /* SPACE_BEFORE, LINE_START, PARA_START for the next token */
    int sq_depth;     /* single quotes opened in this paragraph, not yet closed */
    int dq_depth;     /* double quotes, for isolated ASCII " */
    int guil_fr;      /* « opened (French order) */
    int guil_de;      /* » opened (German order) */
} tokenizer;

static int tokens_grow(en_tokens *t) {
    size_t cap = t->cap ? t->cap * 2 : 256;
    if (cap > SIZE_MAX / sizeof *t->v) return -1;
    en_token *v = realloc(t->v, cap * sizeof *v);
    if (!v) return -1;
    t->v = v;
    t->cap = cap;
    return 0;
}

/* Append a token with the pending layout flags. */
static inline int emit(tokenizer *tk, size_t start, size_t stop, unsigned kind, unsigned flags) {
    en_tokens *t = tk->out;
    if (t->n == t->cap && tokens_grow(t) != 0) return -1;
    flags |= tk->pending;
    tk->pending = 0;
    en_token *k = &t->v[t->n++];
    k->start = (uint32_t)start;
    k->stop = (uint32_t)stop;
    k->kind = (uint16_t)kind;
    k->flags = (uint16_t)flags;
    return 0;
}

/* A new paragraph forgets unbalanced quotes and guillemets, so that one
 * stray apostrophe cannot flip every later quote of the text. */
static void paragraph(tokenizer *tk) {
    tk->pending |= EN_TF_LINE_START | EN_TF_PARA_START | EN_TF_SPACE_BEFORE;
    tk->sq_depth = 0;
    tk->dq_depth = 0;
    tk->guil_fr = 0;
    tk->guil_de = 0;
}

/* A line break. When no token came since the previous one, the line that
 * just ended held only whitespace: a blank line, so a paragraph starts. */
static void newline(tokenizer *tk) {
    if (tk->pending & EN_TF_LINE_START) paragraph(tk);
    tk->pending |= EN_TF_LINE_START | EN_TF_SPACE_BEFORE;
}

static const en_token *last_token(const tokenizer *tk) {
    return tk->out->n > tk->base ? &tk->out->v[tk->out->n - 1] : NULL;
}

/* What precedes the mark at the current position: whitespace or the start
 * of a line, an opening bracket, quote, dash or colon, or a word. */
static int prev_ctx(const tokenizer *tk) {
    const en_token *p = last_token(tk);
    if (!p || (tk->pending & (EN_TF_SPACE_BEFORE | EN_TF_LINE_START))) return CTX_SPACE;
    if ((p->flags & EN_TF_OPEN) || p->kind == EN_TOK_DASH) return CTX_OPENING;
    if (p->kind == EN_TOK_PUNCT && tk->s[p->start] == ':') return CTX_OPENING;
    return CTX_ATTACHED;
}

/* Scan a dotted acronym (U.S., A.Ş., e.g., U.S.A) at s[i]: single letters
 * joined by dots, at least two of them. Returns its end (after the final
 * dot when there is one), or 0 when there is none here. */
static size_t scan_dotted(const unsigned char *s, size_t len, size_t i) {
    size_t k = i, end = 0;
    int segs = 0;
    for (;;) {
        size_t n;
        int32_t c = dec(s, len, k, &n);
        if (n == 0 || !en_is_letter(c)) break;
        size_t m = k + n;
        while (m < len && s[m] >= 0x80) { /* combining marks stay with their letter */
            size_t mn;
            int mk = category(dec(s, len, m, &mn));
            if (mk < UTF8PROC_CATEGORY_MN || mk > UTF8PROC_CATEGORY_ME) break;
            m += mn;
        }
        if (m < len && s[m] == '.') {
            segs++;
            k = m + 1;
            if (segs >= 2) end = k;
            continue;
        }
        if (segs >= 1 && !is_word_at(s, len, m)) end = m; /* final letter, no dot */
        break;
    }
    return end;
}

/* Is the apostrophe of length alen at s[i] followed by a possessive s,
 * that is "'s" or "’s" ending the word? */
static int possessive_at(const unsigned char *s, size_t len, size_t i, size_t alen) {
    size_t k = i + alen;
    return k < len && (s[k] == 's' || s[k] == 'S') && !is_word_at(s, len, k + 1);
}

/* Scan and emit a word or number starting at s[i]: letters, marks and
 * digits, with an apostrophe inside when a letter follows (don't, O’Neil)
 * except the possessive 's, and , or . between digits (24,150 RM21.2).
 * Returns the end, or 0 when out of memory. */
static size_t scan_word(tokenizer *tk, size_t i) {
    const unsigned char *s = tk->s;
    size_t len = tk->len, j = i, n;
    unsigned nup = 0, nlo = 0, seen = 0, flags = 0, prev_digit = 0; /* seen: A_* bits */
    int32_t first = s[i] < 0x80 ? (n = 1, (int32_t)s[i]) : dec(s, len, i, &n);

    /* Dotted acronyms: only tried when a dot follows the first letter. */
    if (i + n < len && s[i + n] == '.' && en_is_letter(first)) {
        size_t end = scan_dotted(s, len, i);
        if (end) {
            for (size_t k = i; k < end; k += n) {
                int32_t c = dec(s, len, k, &n);
                if (en_is_upper(c))
                    nup++;
                else if (is_lower_cp(c))
                    nlo++;
            }
            flags = EN_TF_ALPHA | EN_TF_DOTTED;
            if (en_is_upper(first)) flags |= EN_TF_CAP;
            if (nup >= 2 && nlo == 0) flags |= EN_TF_UPPER;
            return emit(tk, i, end, EN_TOK_WORD, flags) == 0 ? end : 0;
        }
    }

    while (j < len) {
        unsigned b = s[j];
        if (b < 0x80) {
            unsigned c = ascii_class[b];
            if (c & A_WORD) {
                seen |= c;
                nup += (c & A_UP) != 0;
                prev_digit = c & A_DG;
                j++;
                continue;
            }
            if ((b == '.' || b == ',') && prev_digit && j + 1 < len && s[j + 1] >= '0' &&
                s[j + 1] <= '9') {
                j++;
                prev_digit = 0;
                continue;
            }
            if (b == '\'' && j > i && en_is_letter(dec(s, len, j + 1, &n)) &&
                !possessive_at(s, len, j, 1)) {
                j++;
                continue;
            }
            break;
        }
        int32_t c = dec(s, len, j, &n);
        int k = category(c);
        if (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO) {
            /* uncased letters (Lm, Lo) count as letters but not as lowercase */
            seen |= k == UTF8PROC_CATEGORY_LL ? A_LO : A_UP;
            nup += k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LT;
            prev_digit = 0;
        } else if (k >= UTF8PROC_CATEGORY_MN && k <= UTF8PROC_CATEGORY_ME) {
            /* a mark stays with its base */
        } else if (k >= UTF8PROC_CATEGORY_ND && k <= UTF8PROC_CATEGORY_NO) {
            seen |= A_DG;
            prev_digit = k == UTF8PROC_CATEGORY_ND;
        } else if (c == 0x2019 && j > i) { /* ’ inside a word, as ' above */
            size_t m;
            if (!en_is_letter(dec(s, len, j + n, &m)) || possessive_at(s, len, j, n)) break;
        } else if ((c == 0x200C || c == 0x200D || c == 0x00AD) && j > i &&
                   is_word_at(s, len, j + n)) {
            /* joiners and the soft hyphen inside a word */
        } else {
            break;
        }
        j += n;
    }

    if (seen & (A_UP | A_LO)) flags |= EN_TF_ALPHA;
    if (seen & A_DG) flags |= EN_TF_DIGIT;
    if (en_is_upper(first)) flags |= EN_TF_CAP;
    if (nup >= 2 && !(seen & A_LO)) flags |= EN_TF_UPPER;
    unsigned kind = flags == EN_TF_DIGIT ? EN_TOK_NUMBER : EN_TOK_WORD;
    return emit(tk, i, j, kind, flags) == 0 ? j : 0;
}

/* End of a run of the code point c starting at s[i] (one char long n). */
static size_t same_run(const unsigned char *s, size_t len, size_t i, int32_t c, size_t n) {
    size_t j = i + n, m;
    while (j < len && dec(s, len, j, &m) == c) j += m;
    return j;
}

/* End of a run of sentence-final marks starting at s[i]. */
static size_t terminal_run(const unsigned char *s, size_t len, size_t i) {
    size_t j = i, m;
    while (j < len && is_terminal_cp(dec(s, len, j, &m))) j += m;
    return j;
}

/* Decide what a quote-like mark of shape q at s[i..i+n) is, and emit it.
 * Direction comes from context, not from the glyph, since real texts use
 * “ as a closing mark too: after whitespace, a line start or an opening
 * bracket/quote/dash it opens, after anything else it closes. A single
 * quote after a word closes only while one is open; otherwise it is an
 * apostrophe (Dato’, countries’) and a PUNCT token. Returns the end, or 0
 * when out of memory. */
static size_t quote_mark(tokenizer *tk, size_t i, size_t n, int32_t c, int q) {
    size_t end = i + n;
    int before = prev_ctx(tk);
    int space_after = space_or_end_at(tk->s, tk->len, end);
    unsigned kind = EN_TOK_QUOTE, flags = 0;

    switch (q) {
    case Q_CJK_OPEN:
        flags = EN_TF_OPEN;
        break;
    case Q_CJK_CLOSE:
        flags = EN_TF_CLOSE;
        break;
    case Q_SINGLE: {
        const en_token *p = last_token(tk);
        if (before == CTX_ATTACHED && p && (p->kind == EN_TOK_WORD || p->kind == EN_TOK_NUMBER) &&
            c != 0x2018 && possessive_at(tk->s, tk->len, i, n)) {
            end = i + n + 1; /* possessive 's: a token of its own */
            kind = EN_TOK_WORD;
            flags = EN_TF_ALPHA;
        } else if (before == CTX_ATTACHED) {
            if (tk->sq_depth > 0) {
                tk->sq_depth--;
                flags = EN_TF_CLOSE;
            } else {
                kind = EN_TOK_PUNCT; /* apostrophe */
            }
        } else if (space_after || (c != 0x2018 && tk->s[end] >= '0' && tk->s[end] <= '9')) {
            kind = EN_TOK_PUNCT; /* stray mark, or elision as in ’90s */
        } else {
            tk->sq_depth++;
            flags = EN_TF_OPEN;
        }
        break;
    }
    case Q_GUILLEMET: {
        int opener = c == 0xAB || c == 0x2039; /* « ‹ */
        if (opener) {
            if (tk->guil_de > 0) {
                tk->guil_de--;
                flags = EN_TF_CLOSE;
            } else {
                tk->guil_fr++;
                flags = EN_TF_OPEN;
            }
        } else if (tk->guil_fr > 0) {
            tk->guil_fr--;
            flags = EN_TF_CLOSE;
        } else if (before != CTX_ATTACHED && !space_after) {
            tk->guil_de++;
            flags = EN_TF_OPEN;
        } else if (before != CTX_ATTACHED) {
            kind = EN_TOK_SYMBOL; /* a separator: Home » World */
        } else {
            flags = EN_TF_CLOSE;
        }
        break;
    }
    default: /* Q_DOUBLE */
        if (before == CTX_ATTACHED) {
            flags = EN_TF_CLOSE;
        } else if (!space_after) {
            flags = EN_TF_OPEN;
        } else if (c == 0x201C || c == 0x201E || c == 0x201F) {
            flags = EN_TF_OPEN; /* isolated: trust the glyph */
        } else if (c == 0x201D) {
            flags = EN_TF_CLOSE;
        } else {
            flags = tk->dq_depth > 0 ? EN_TF_CLOSE : EN_TF_OPEN;
        }
        if (flags == EN_TF_OPEN)
            tk->dq_depth++;
        else if (tk->dq_depth > 0)
            tk->dq_depth--;
        break;
    }
    return emit(tk, i, end, kind, flags) == 0 ? end : 0;
}

/* Is code point c a quote mark? Stores its shape in *q. */
static int quote_shape(int32_t c, int *q) {
    switch (c) {
    case '"':
    case 0x201C: /* “ */
    case 0x201D: /* ” */
    case 0x201E: /* „ */
    case 0x201F: /* ‟ */
    case 0xFF02: /* ＂ */
        *q = Q_DOUBLE;
        return 1;
    case '\'':
    case 0x2018: /* ‘ */
    case 0x2019: /* ’ */
    case 0x201A: /* ‚ */
    case 0x201B: /* ‛ */
    case 0xFF07: /* ＇ */
        *q = Q_SINGLE;
        return 1;
    case 0x00AB: /* « */
    case 0x00BB: /* » */
    case 0x2039: /* ‹ */
    case 0x203A: /* › */
        *q = Q_GUILLEMET;
        return 1;
    case 0x300C: /* 「 */
    case 0x300E: /* 『 */
        *q = Q_CJK_OPEN;
        return 1;
    case 0x300D: /* 」 */
    case 0x300F: /* 』 */
        *q = Q_CJK_CLOSE;
        return 1;
    default:
        return 0;
    }
}

/* Tokenize one mark (anything that is neither whitespace nor a word char)
 * with code point c, n bytes long, at s[i]. Returns the end, or 0 when out
 * of memory. */
static size_t scan_mark(tokenizer *tk, size_t i, int32_t c, size_t n) {
    const unsigned char *s = tk->s;
    size_t len = tk->len;
    int q, at_line_start = (tk->pending & EN_TF_LINE_START) != 0;
    size_t end;

    if (is_terminal_cp(c)) {
        end = terminal_run(s, len, i);
        return emit(tk, i, end, EN_TOK_PUNCT, 0) == 0 ? end : 0;
    }
    if (quote_shape(c, &q)) return quote_mark(tk, i, n, c, q);
    if (at_line_start && (is_bullet_glyph(c) || ((c == '-' || c == '*' || c == 0xB7) &&
                                                 space_or_end_at(s, len, i + n)))) {
        return emit(tk, i, i + n, EN_TOK_BULLET, 0) == 0 ? i + n : 0;
    }
    if (is_dash_cp(c)) {
        end = same_run(s, len, i, c, n);
        return emit(tk, i, end, EN_TOK_DASH, 0) == 0 ? end : 0;
    }

    unsigned kind, flags = 0;
    int k = c < 0x80 ? -1 : category(c);
    if (c == '(' || c == '[' || c == '{' || k == UTF8PROC_CATEGORY_PS) {
        return emit(tk, i, i + n, EN_TOK_PUNCT, EN_TF_OPEN) == 0 ? i + n : 0;
    }
    if (c == ')' || c == ']' || c == '}' || k == UTF8PROC_CATEGORY_PE) {
        return emit(tk, i, i + n, EN_TOK_PUNCT, EN_TF_CLOSE) == 0 ? i + n : 0;
    }
    if (k == UTF8PROC_CATEGORY_PI || k == UTF8PROC_CATEGORY_PF) {
        flags = k == UTF8PROC_CATEGORY_PI ? EN_TF_OPEN : EN_TF_CLOSE;
        return emit(tk, i, i + n, EN_TOK_QUOTE, flags) == 0 ? i + n : 0;
    }
    if (c < 0x80) {
        kind = (c == ',' || c == ';' || c == ':' || c == '/' || c == '\\') ? EN_TOK_PUNCT
                                                                           : EN_TOK_SYMBOL;
    } else if (k == UTF8PROC_CATEGORY_PD) {
        kind = EN_TOK_DASH;
    } else if ((k == UTF8PROC_CATEGORY_PO || k == UTF8PROC_CATEGORY_PC) && c != 0x2022 &&
               c != 0x2030 && c != 0x2031 && c != 0x2032 && c != 0x2033) {
        kind = EN_TOK_PUNCT;
    } else {
        kind = EN_TOK_SYMBOL; /* currency, math, other symbols, ‰, •, unassigned */
    }
    end = same_run(s, len, i, c, n);
    return emit(tk, i, end, kind, flags) == 0 ? end : 0;
}

/* The main loop dispatches on the first byte: ASCII whitespace, word
 * characters and marks through a 128-entry table; everything else through
 * one decode and one utf8proc category lookup. */
int en_tokenize(const char *text, size_t len, en_tokens *out) {
    if (!out || (!text && len) || len > UINT32_MAX) return -1;
    tokenizer tk = {.s = (const unsigned char *)text,
                    .len = len,
                    .out = out,
                    .base = out->n,
                    .pending = EN_TF_LINE_START | EN_TF_PARA_START};
    const unsigned char *s = tk.s;
    size_t i = 0, n;
    while (i < len) {
        unsigned b = s[i];
        if (b < 0x80) {
            unsigned c = ascii_class[b];
            if (c & A_SP) {
                tk.pending |= EN_TF_SPACE_BEFORE;
                i++;
            } else if (c & A_NL) {
                if (b == '\r' && i + 1 < len && s[i + 1] == '\n') i++;
                newline(&tk);
                i++;
            } else if (c & A_WORD) {
                i = scan_word(&tk, i);
                if (!i) return -1;
            } else {
                i = scan_mark(&tk, i, (int32_t)b, 1);
                if (!i) return -1;
            }
            continue;
        }
        int32_t c = dec(s, len, i, &n);
        int k = category(c);
        if (cat_is_word(k)) {
            i = scan_word(&tk, i);
            if (!i) return -1;
        } else if (is_space_cp(c, k)) {
            tk.pending |= EN_TF_SPACE_BEFORE;
            i += n;
        } else if (k == UTF8PROC_CATEGORY_ZL || c == 0x85) {
            newline(&tk);
            i += n;
        } else if (k == UTF8PROC_CATEGORY_ZP) {
            paragraph(&tk);
            i += n;
        } else if (k == UTF8PROC_CATEGORY_CF) {
            i += n; /* invisible format characters (BOM, LRM ...) */
        } else {
            i = scan_mark(&tk, i, c, n);
            if (!i) return -1;
        }
    }
    return 0;
}

void en_tokens_free(en_tokens *t) {
    if (!t) return;
    free(t->v);
    t->v = NULL;
    t->n = 0;
    t->cap = 0;
}

/* ------------------------------------------------------------------ */
/* Sentence splitter                                                   */
/* ------------------------------------------------------------------ */

/* Abbreviations after which a '.' never ends a sentence. Matched without
 * regard to case, except that the all-lowercase form of an ordinary word
 * (art, gen, no ...) is that word and may end a sentence: "modern art."
 * The flag says the lowercase form counts too. */
typedef struct abbrev {
    const char *word;
    int any_case;
} abbrev;

static const abbrev never_break[] = {
    {"adm", 1},  {"art", 0},  {"brig", 1}, {"capt", 1}, {"cdr", 1}, {"col", 0},
    {"dept", 1}, {"dr", 1},   {"fig", 0},  {"gen", 0},  {"gov", 0}, {"hon", 0},
    {"jr", 1},   {"lt", 1},   {"maj", 1},  {"mr", 1},   {"mrs", 1}, {"ms", 1},
    {"mt", 1},   {"pres", 0}, {"prof", 1}, {"rep", 0},  {"rev", 0}, {"sec", 0},
    {"sen", 0},  {"sgt", 1},  {"sr", 1},   {"st", 1},   {"vol", 0}, {"vs", 1},
};

/* Abbreviations that may end a sentence: after them a '.' ends one only
 * when a typical sentence starter follows. Dotted acronyms (U.S.) behave
 * the same way. "No"/"Nos" are handled apart: no break before a number. */
static const char *const may_end[] = {
    "apr", "aug", "bhd", "co",  "corp", "dec", "etc", "feb", "inc", "jan",  "jul",
    "jun", "llc", "ltd", "mar", "nov",  "oct", "plc", "sdn", "sep", "sept", "bros",
};

/* Words that typically start a sentence; after an abbreviation that may
 * end a sentence, only these (capitalised) make it end. */
static const char *const starters[] = {
    "A",    "According",  "After",   "Also", "An",  "And",   "As",        "At",
    "Both", "But",        "Earlier", "For",  "He",  "Her",   "His",       "However",
    "I",    "If",         "In",      "It",   "Its", "Later", "Meanwhile", "On",
    "Our",  "Separately", "She",     "That", "The", "Their", "There",     "These",
    "They", "This",       "Those",   "Thus", "We",  "When",  "While",     "You",
};

#define COUNT(a) (sizeof(a) / sizeof(a)[0])

typedef struct splitter {
    const unsigned char *s;
    size_t len;
    const en_token *t;
    size_t n;
    const en_span *skip;
    size_t nskip;
    size_t cursor; /* first skip span that may cover the current token */
    en_sentences *out;
    int wrapped;        /* hard-wrapped prose, not one paragraph per line */
    size_t heading_max; /* in wrapped text, lines shorter than this may be headings */

    /* the open sentence */
    int open;
    size_t first, last;
    unsigned flags;
    int has_word;  /* holds a word or number (else it is dropped) */
    int multiline; /* runs over more than one line */
    int own_start; /* nothing of a sentence precedes it on its line */

    unsigned pending; /* EN_SF_PARA_START / EN_SF_BULLET for the next sentence */
    int depth;        /* open quotations */
    int line_content; /* a sentence token came earlier on the current line */
} splitter;

/* Does token k overlap a skip span? *cur is a cursor into the sorted spans
 * that only moves forward; callers that look ahead pass a copy. */
static inline int skipped(const splitter *sp, size_t *cur, size_t k) {
    const en_token *t = &sp->t[k];
    while (*cur < sp->nskip && sp->skip[*cur].stop <= t->start) (*cur)++;
    return *cur < sp->nskip && sp->skip[*cur].start < t->stop;
}

static int skipped_peek(const splitter *sp, size_t k) {
    size_t cur = sp->cursor;
    return skipped(sp, &cur, k);
}

static int32_t tok_first_cp(const splitter *sp, size_t k) {
    size_t n;
    const en_token *t = &sp->t[k];
    if (t->start >= sp->len) return -1;
    return dec(sp->s, t->stop < sp->len ? t->stop : sp->len, t->start, &n);
}

/* Copy token k lowercased (ASCII) into w (size cap) when it is short and
 * pure ASCII letters; returns its length, or 0. */
static size_t tok_lower(const splitter *sp, size_t k, char *w, size_t cap) {
    const en_token *t = &sp->t[k];
    size_t n = t->stop - t->start;
    if (n == 0 || n >= cap || t->stop > sp->len) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = sp->s[t->start + i];
        if (b >= 0x80 || !(ascii_class[b] & (A_UP | A_LO))) return 0;
        w[i] = (char)(b | 0x20);
    }
    w[n] = '\0';
    return n;
}

static int tok_is(const splitter *sp, size_t k, const char *word) {
    const en_token *t = &sp->t[k];
    size_t n = strlen(word);
    return t->stop - t->start == n && t->stop <= sp->len && memcmp(sp->s + t->start, word, n) == 0;
}

/* A run of sentence-final marks, or a dotted acronym that ends in a dot. */
static inline int is_terminator(const splitter *sp, size_t k) {
    const en_token *t = &sp->t[k];
    if (t->kind == EN_TOK_PUNCT) {
        if (t->start >= sp->len) return 0;
        unsigned b = sp->s[t->start];
        if (b < 0x80) return b == '.' || b == '!' || b == '?';
        return is_terminal_cp(tok_first_cp(sp, k));
    }
    return t->kind == EN_TOK_WORD && (t->flags & EN_TF_DOTTED) && t->stop <= sp->len &&
           sp->s[t->stop - 1] == '.';
}

static int is_closer(const splitter *sp, size_t k) {
    const en_token *t = &sp->t[k];
    return (t->kind == EN_TOK_QUOTE || t->kind == EN_TOK_PUNCT) && (t->flags & EN_TF_CLOSE);
}

/* Does the stretch first..last end with final punctuation (. ! ? … : ; ,
 * or a dotted acronym), looking through closing quotes and brackets? */
static int ends_final(const splitter *sp, size_t first, size_t last) {
    size_t k = last;
    while (k > first && is_closer(sp, k)) k--;
    if (is_terminator(sp, k)) return 1;
    if (sp->t[k].kind != EN_TOK_PUNCT) return 0;
    int32_t c = tok_first_cp(sp, k);
    return c == ':' || c == ';' || c == ',';
}

/* Does token k start with a lowercase letter? */
static int starts_lower(const splitter *sp, size_t k) {
    return sp->t[k].kind == EN_TOK_WORD && is_lower_cp(tok_first_cp(sp, k));
}

static int starts_digit(const splitter *sp, size_t k) {
    return (sp->t[k].flags & EN_TF_DIGIT) && !en_is_letter(tok_first_cp(sp, k));
}

/* Can token k begin a sentence: a word that is not lowercase, a number, an
 * opening quote or bracket (not followed by a lowercase word), a bullet, a
 * currency sign? */
static int can_start(const splitter *sp, size_t k) {
    const en_token *t = &sp->t[k];
    switch (t->kind) {
    case EN_TOK_WORD:
        return !starts_lower(sp, k);
    case EN_TOK_NUMBER:
    case EN_TOK_BULLET:
        return 1;
    case EN_TOK_QUOTE:
    case EN_TOK_PUNCT:
        if (!(t->flags & EN_TF_OPEN)) return 0;
        return k + 1 >= sp->n || !starts_lower(sp, k + 1);
    case EN_TOK_SYMBOL:
        return category(tok_first_cp(sp, k)) == UTF8PROC_CATEGORY_SC;
    default:
        return 0;
    }
}

/* Is token k a typical sentence starter, or an opening quote before a
 * capitalised word? */
static int is_starter(const splitter *sp, size_t k) {
    const en_token *t = &sp->t[k];
    if (t->kind == EN_TOK_QUOTE && (t->flags & EN_TF_OPEN))
        return k + 1 < sp->n && (sp->t[k + 1].flags & EN_TF_CAP);
    if (t->kind != EN_TOK_WORD || !(t->flags & EN_TF_CAP)) return 0;
    for (size_t i = 0; i < COUNT(starters); i++)
        if (tok_is(sp, k, starters[i])) return 1;
    return 0;
}

/* The terminator at i is followed (after closers) by token j. Does the
 * sentence end there? j must be separated by whitespace and able to start
 * a sentence; then the word before a single '.' decides: honorifics never
 * end one, "No." before a number neither, and abbreviations that may end
 * one (Inc., Jan., U.S.) only before a typical sentence starter. So do
 * single capitals, except that a starter of one letter (A, I) is taken for
 * another initial: "K. Nordin" and "W. A. Mozart" stay whole while "a post
 * on X. The minister" ends after X. */
static int should_break(const splitter *sp, size_t i, size_t j) {
    if (j >= sp->n) return 1;
    const en_token *term = &sp->t[i], *next = &sp->t[j];
    if (!(next->flags & (EN_TF_SPACE_BEFORE | EN_TF_LINE_START))) return 0;
    if (!can_start(sp, j)) return 0;
    if (term->kind == EN_TOK_WORD) return is_starter(sp, j); /* dotted acronym */
    if (term->stop - term->start != 1 || sp->s[term->start] != '.' || i == 0 ||
        (term->flags & EN_TF_SPACE_BEFORE))
        return 1;

    size_t w = i - 1;
    const en_token *word = &sp->t[w];
    if (word->kind == EN_TOK_NUMBER && (word->flags & EN_TF_LINE_START)) return 0; /* "1. " */
    if (word->kind != EN_TOK_WORD) return 1;
    size_t cn;
    int32_t c0 = dec(sp->s, word->stop < sp->len ? word->stop : sp->len, word->start, &cn);
    if (word->start + cn == word->stop && en_is_upper(c0)) /* initial: K. Nordin */
        return is_starter(sp, j) && next->stop - next->start > 1;
    char low[8];
    size_t wn = tok_lower(sp, w, low, sizeof low);
    if (wn == 0) return 1;
    if (!strcmp(low, "no") || !strcmp(low, "nos"))
        return !starts_digit(sp, j) && next->kind != EN_TOK_NUMBER;
    int lower = !(word->flags & EN_TF_CAP);
    for (size_t k = 0; k < COUNT(never_break); k++)
        if (low[0] == never_break[k].word[0] && !strcmp(low, never_break[k].word)) {
            if (lower && !never_break[k].any_case) break;
            return 0;
        }
    for (size_t k = 0; k < COUNT(may_end); k++)
        if (low[0] == may_end[k][0] && !strcmp(low, may_end[k])) return is_starter(sp, j);
    return 1;
}

/* Emit the open sentence, if it holds a word or number. A line of its own
 * without final punctuation is a headline. A sentence of marks only is
 * dropped, and hands its paragraph/bullet flags on to the next one. */
static int end_sentence(splitter *sp) {
    if (!sp->open) return 0;
    sp->open = 0;
    if (!sp->has_word) {
        sp->pending |= sp->flags & (EN_SF_PARA_START | EN_SF_BULLET);
        return 0;
    }
    unsigned flags = sp->flags;
    if (sp->own_start && !sp->multiline && !(flags & EN_SF_BULLET) &&
        !ends_final(sp, sp->first, sp->last)) {
        size_t k = sp->last + 1, cur = sp->cursor;
        while (k < sp->n && !(sp->t[k].flags & EN_TF_LINE_START) && skipped(sp, &cur, k)) k++;
        if (k >= sp->n || (sp->t[k].flags & EN_TF_LINE_START)) flags |= EN_SF_HEADLINE;
    }
    en_sentences *o = sp->out;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 64;
        if (cap > SIZE_MAX / sizeof *o->v) return -1;
        en_sentence *v = realloc(o->v, cap * sizeof *v);
        if (!v) return -1;
        o->v = v;
        o->cap = cap;
    }
    en_sentence *x = &o->v[o->n++];
    x->start = sp->t[sp->first].start;
    x->stop = sp->t[sp->last].stop;
    x->tok_first = (uint32_t)sp->first;
    x->tok_count = (uint32_t)(sp->last - sp->first + 1);
    x->flags = flags;
    return 0;
}

/* Add token k to the open sentence (opening one if needed) and follow the
 * quotation depth. `continued` marks the opening quote of a paragraph that
 * carries on a quotation left open by the previous paragraph. */
static inline void add_token(splitter *sp, size_t k, int continued) {
    const en_token *t = &sp->t[k];
    if (!sp->open) {
        sp->open = 1;
        sp->first = k;
        sp->flags = sp->pending | (sp->depth > 0 ? EN_SF_IN_QUOTE : 0u);
        sp->pending = 0;
        sp->has_word = 0;
        sp->multiline = 0;
        sp->own_start = !sp->line_content;
    } else if (t->flags & EN_TF_LINE_START) {
        sp->multiline = 1;
    }
    sp->last = k;
    sp->line_content = 1;
    if (t->kind == EN_TOK_WORD || t->kind == EN_TOK_NUMBER) sp->has_word = 1;
    if (t->kind == EN_TOK_QUOTE) {
        if ((t->flags & EN_TF_OPEN) && !continued)
            sp->depth++;
        else if ((t->flags & EN_TF_CLOSE) && sp->depth > 0)
            sp->depth--;
    }
}

/* Number of characters (not bytes) in s[a..b), b clamped to len. */
static size_t char_count(const unsigned char *s, size_t len, size_t a, size_t b) {
    size_t c = 0;
    if (b > len) b = len;
    for (size_t i = a; i < b; i++) c += (s[i] & 0xC0) != 0x80;
    return c;
}

/* Decide once per text whether single line breaks are hard wraps inside
 * paragraphs or paragraph ends. Only breaks between two non-blank lines
 * count, leaving out bullet lines and skipped lines. Evidence of wrapping:
 * the next line starts with a lowercase word (strong), or the line has no
 * final punctuation and is at least 40 characters long (weak). The text is
 * wrapped when at least half of those breaks show evidence and there is
 * one strong or three weak signs; or when nearly all lines have the
 * similar lengths (50..100 characters) of a typewriter-wrapped text. */
static void detect_layout(splitter *sp) {
    size_t inner = 0, cont = 0, strong = 0, weak = 0, in_range = 0, maxlen = 0;
    size_t sum_cont = 0, sum_all = 0, line_first = 0, cur = 0;
    for (size_t i = 1; i < sp->n; i++) {
        unsigned f = sp->t[i].flags;
        if (!(f & EN_TF_LINE_START)) continue;
        size_t prev_first = line_first;
        line_first = i;
        if (f & EN_TF_PARA_START) continue;
        if (skipped(sp, &cur, i - 1) || skipped(sp, &cur, i)) continue;
        if (sp->t[i].kind == EN_TOK_BULLET) continue;
        size_t len = char_count(sp->s, sp->len, sp->t[prev_first].start, sp->t[i - 1].stop);
        int fin = ends_final(sp, prev_first, i - 1);
        inner++;
        sum_all += len;
        if (len > maxlen) maxlen = len;
        if (len >= 50 && len <= 100) in_range++;
        if (starts_lower(sp, i)) {
            strong++;
        } else if (!fin && len >= 40) {
            weak++;
        } else {
            continue;
        }
        cont++;
        sum_cont += len;
    }
    int evidence = cont * 2 >= inner && (strong >= 1 || weak >= 3);
    int uniform = inner >= 3 && in_range * 5 >= inner * 4 && maxlen <= 100;
    sp->wrapped = inner > 0 && (evidence || uniform);
    size_t typical = cont ? sum_cont / cont : (inner ? sum_all / inner : 0);
    sp->heading_max = typical * 2 / 3;
    if (sp->heading_max < 10) sp->heading_max = 10;
}

/* In wrapped text, does the line break before token i end a heading: the
 * open sentence is exactly the previous line, which is short and has no
 * final punctuation, and the next line does not go on in lowercase? */
static int heading_break(const splitter *sp, size_t i) {
    if (!sp->open || !sp->own_start || sp->multiline || starts_lower(sp, i)) return 0;
    if (ends_final(sp, sp->first, sp->last)) return 0;
    return char_count(sp->s, sp->len, sp->t[sp->first].start, sp->t[sp->last].stop) <
           sp->heading_max;
}

/* One pass over the tokens. Structural boundaries come first (paragraphs,
 * line breaks in paragraph-per-line text, headings in wrapped text, skip
 * spans, bullets); then a terminator, with the closing quotes and
 * brackets after it, ends the sentence when should_break says so. Quote
 * depth runs across sentences; at a paragraph start an open quotation
 * goes on only when the paragraph opens with a quote mark again (the
 * newspaper convention for quotes that run over several paragraphs). */
int en_split_sentences(const char *text, size_t len, const en_token *toks, size_t ntok,
                       const en_span *skip, size_t nskip, en_sentences *out) {
    if (!out || (ntok && (!toks || !text))) return -1;
    if (!skip) nskip = 0;
    splitter sp;
    memset(&sp, 0, sizeof sp);
    sp.s = (const unsigned char *)text;
    sp.len = len;
    sp.t = toks;
    sp.n = ntok;
    sp.skip = skip;
    sp.nskip = nskip;
    sp.out = out;
    detect_layout(&sp);

    for (size_t i = 0; i < ntok; i++) {
        unsigned f = toks[i].flags;
        int para = i == 0 || (f & EN_TF_PARA_START) || (!sp.wrapped && (f & EN_TF_LINE_START));
        int continued = 0;
        if (para) {
            if (end_sentence(&sp) != 0) return -1;
            sp.pending |= EN_SF_PARA_START;
            continued = sp.depth > 0 && toks[i].kind == EN_TOK_QUOTE && (f & EN_TF_OPEN);
            if (!continued) sp.depth = 0;
        } else if ((f & EN_TF_LINE_START) && heading_break(&sp, i)) {
            if (end_sentence(&sp) != 0) return -1;
        }
        if (f & EN_TF_LINE_START) sp.line_content = 0;
        if (skipped(&sp, &sp.cursor, i)) {
            if (end_sentence(&sp) != 0) return -1;
            continue;
        }
        if (toks[i].kind == EN_TOK_BULLET) {
            if (end_sentence(&sp) != 0) return -1;
            sp.pending |= EN_SF_BULLET;
            continue;
        }
        add_token(&sp, i, continued);
        if (!is_terminator(&sp, i)) continue;
        size_t j = i + 1;
        while (j < ntok && is_closer(&sp, j) && !(toks[j].flags & EN_TF_LINE_START) &&
               !skipped_peek(&sp, j))
            j++;
        if (!should_break(&sp, i, j)) continue;
        for (size_t k = i + 1; k < j; k++) add_token(&sp, k, 0);
        if (end_sentence(&sp) != 0) return -1;
        i = j - 1;
    }
    return end_sentence(&sp);
}

void en_sentences_free(en_sentences *s) {
    if (!s) return;
    free(s->v);
    s->v = NULL;
    s->n = 0;
    s->cap = 0;
}

/* ------------------------------------------------------------------ */
/* Folding                                                             */
/* ------------------------------------------------------------------ */

/* Letters and marks that NFKC with case folding and mark stripping leaves
 * alone but that should still match their plain ASCII look-alikes. Input
 * is already case folded, so only lowercase forms appear. */
static const char *fold_extra(int32_t c) {
    switch (c) {
    case 0x0131: /* ı */
        return "i";
    case 0x00F8: /* ø */
        return "o";
    case 0x0142: /* ł */
        return "l";
    case 0x0111: /* đ */
    case 0x00F0: /* ð */
        return "d";
    case 0x00E6: /* æ */
        return "ae";
    case 0x0153: /* œ */
        return "oe";
    case 0x00DF: /* ß */
        return "ss";
    case 0x2018: /* ‘ */
    case 0x2019: /* ’ */
    case 0x201A: /* ‚ */
    case 0x201B: /* ‛ */
    case 0x02BC: /* ʼ */
    case 0x2032: /* ′ */
        return "'";
    case 0x201C: /* “ */
    case 0x201D: /* ” */
    case 0x201E: /* „ */
    case 0x201F: /* ‟ */
        return "\"";
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212: /* − */
    case 0xFE58:
    case 0xFE63:
        return "-";
    case 0x2044: /* ⁄ (from NFKC of ½) */
        return "/";
    default:
        return NULL;
    }
}

/* Rewrite s as valid UTF-8 for utf8proc: every ill-formed byte becomes the
 * Latin-1 character of the same value (so 0xE9 reads as é). */
static int latin1_repair(const unsigned char *s, size_t len, en_buf *b) {
    size_t i = 0, run = 0;
    while (i < len) {
        int r = s[i] ? utf8_seq(s, len, i) : 1;
        if (r > 0) {
            i += (size_t)r;
            continue;
        }
        char two[2] = {(char)(0xC0 | (s[i] >> 6)), (char)(0x80 | (s[i] & 0x3F))};
        if (en_buf_append(b, s + run, i - run) != 0 || en_buf_append(b, two, 2) != 0) return -1;
        run = ++i;
    }
    return en_buf_append(b, s + run, len - run);
}

/* ASCII: lowercase straight into out. Otherwise one utf8proc_map call does
 * NFKC, full case folding and mark stripping (İ → i + U+0307 → i, ü → u);
 * composition is kept so that Hangul and the like stay whole. A last pass
 * applies fold_extra. */
int en_fold(const char *s, size_t len, en_buf *out) {
    if (!out || (!s && len)) return -1;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len && u[i] < 0x80) i++;
    if (i == len) {
        if (en_buf_reserve(out, len) != 0) return -1;
        char *d = out->data + out->len;
        for (i = 0; i < len; i++) d[i] = (char)((ascii_class[u[i]] & A_UP) ? u[i] | 0x20 : u[i]);
        out->len += len;
        out->data[out->len] = '\0';
        return 0;
    }

    en_buf fixed = {0};
    const unsigned char *src = u;
    size_t srclen = len;
    if (en_utf8_check(s, len) != len) {
        if (latin1_repair(u, len, &fixed) != 0) {
            en_buf_free(&fixed);
            return -1;
        }
        src = (const unsigned char *)fixed.data;
        srclen = fixed.len;
    }
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_option_t opts = (utf8proc_option_t)(UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
                                                 UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
    utf8proc_ssize_t m = utf8proc_map(src, (utf8proc_ssize_t)srclen, &mapped, opts);
    en_buf_free(&fixed);
    if (m < 0) {
        free(mapped);
        return -1;
    }
    size_t mlen = (size_t)m, run = 0, n;
    int rc = en_buf_reserve(out, mlen);
    for (i = 0; rc == 0 && i < mlen; i += n) {
        if (mapped[i] < 0x80) {
            n = 1;
            continue;
        }
        const char *x = fold_extra(dec(mapped, mlen, i, &n));
        if (!x) continue;
        rc = en_buf_append(out, mapped + run, i - run);
        if (rc == 0) rc = en_buf_append(out, x, strlen(x));
        run = i + n;
    }
    if (rc == 0) rc = en_buf_append(out, mapped + run, mlen - run);
    free(mapped);
    return rc;
}
