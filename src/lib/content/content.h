/* content.h - the content engine (scan --content, 全盘查杀): every regular file of the
 * root judged by what it holds, in parallel workers; YARA through libyara, archive
 * members through libarchive, miners identified by their code (collect/win/pe.h) */
#ifndef MT_CONTENT_H
#define MT_CONTENT_H

#include "../internal.h"

/* ---- limits ---- */
#define CT_WINDOW        (16u * 1024 * 1024)    /* bytes of a file judged at once */
#define CT_OVERLAP       (64u * 1024)           /* kept between windows of a larger file */
#define CT_STEP          (4u * 1024 * 1024)     /* bytes judged at once of what is no program */
#define CT_MEMBER_MAX    (16u * 1024 * 1024)    /* an archive member judged, at most */
#define CT_ARCHIVE_TOTAL (256ull * 1024 * 1024) /* unpacked bytes of one archive, at most */
#define CT_ARCHIVE_RATIO 200u                   /* unpacked/packed beyond this: a bomb */
#define CT_ARCHIVE_FILES 20000u                 /* members of one archive, at most */
#define CT_DEPTH_MAX     3u                     /* archives in archives, decoded in decoded */
#define CT_DECODED_MAX   (1u * 1024 * 1024)     /* an encoded payload decoded, at most */
#define CT_MAX_JOBS      64u

/* ---- YARA (yara_dyn.c with libyara; yara_stub.c in the static and Windows builds) ---- */

typedef struct ct_yara ct_yara;   /* the compiled rules, shared by the workers */
typedef struct ct_yscan ct_yscan; /* one scanner a worker */

#define CT_YMATCH_MAX 6
typedef struct ct_ymatch {
	char rule[96];     /* identifier */
	char ns[160];      /* namespace: the rule file ("builtin:miners.yar", a path) */
	char strings[200]; /* "$a1=\"donate-level\",$s2=..." escaped, cut */
	char desc[160];    /* meta description, "" */
	char family[32];   /* meta family, "" */
	int sev;           /* meta severity as mt_severity, -1 when the rule gives none */
} ct_ymatch;
typedef struct ct_ymatches {
	unsigned n, total; /* kept, matched */
	ct_ymatch m[CT_YMATCH_MAX];
} ct_ymatches;

/* Compiles one rule source on its own: MT_OK, MT_ERR_PARSE with the first error in msg
 * ("line N: ..."), MT_ERR_UNSUPPORTED where the build has no libyara. */
mt_err ct_yara_validate(const char *name, const char *text, size_t len, char *msg, size_t msgn);
/* Compiles every YARA source of the rules (builtin and --rules) into one set; NULL set
 * (MT_OK) when there are none. MT_ERR_UNSUPPORTED without libyara. */
mt_err ct_yara_build(const mt_rules *rules, ct_yara **out, char *msg, size_t msgn);
void ct_yara_free(ct_yara *y);
unsigned ct_yara_count(const ct_yara *y); /* rules compiled */
mt_err ct_yscan_new(ct_yara *y, ct_yscan **out);
void ct_yscan_free(ct_yscan *s);
/* Scans data; path and name fill the externals (filename, filepath, extension). The
 * matches are added to out. MT_ERR_LIMIT on a scan timeout (what matched is kept). */
mt_err ct_yscan_run(ct_yscan *s, const void *data, size_t len, const char *path, ct_ymatches *out);

/* ---- archives (archive_dyn.c with libarchive; archive_stub.c) ---- */

/* Called for each regular member: its name inside the archive, its bytes (at most
 * CT_MEMBER_MAX; *truncated then). Returns 0 to go on, 1 to stop. */
typedef int (*ct_member_fn)(void *ctx, const char *name, const unsigned char *data, size_t len,
                            int truncated);
typedef struct ct_arc_result {
	unsigned members;  /* regular members read */
	uint64_t unpacked; /* bytes unpacked */
	int bomb;          /* stopped: unpacked/packed or the total beyond the limits */
	int limited;       /* stopped at CT_ARCHIVE_FILES members */
	int encrypted;     /* members that could not be read for a password */
	char format[32];   /* "ZIP 2.0 (deflation)", "GNU tar format", ... */
	char error[128];   /* libarchive's message when it stopped on damage, "" */
} ct_arc_result;
/* 1 when the bytes start like an archive or a compressed stream libarchive reads. */
int ct_archive_magic(const unsigned char *p, size_t n);
/* Walks the members of the archive held in data (or, fd >= 0, the whole file fd of
 * packed bytes, read from offset 0). buf is a work buffer of CT_MEMBER_MAX bytes. */
mt_err ct_archive_walk(const unsigned char *data, size_t len, int fd, uint64_t packed,
                       unsigned char *buf, ct_member_fn fn, void *ctx, ct_arc_result *res);

/* SHA-256 as lower-case hex: libcrypto (sha_dyn.c) or minetrace's own (sha_stub.c). */
void ct_sha256_hex(const void *data, size_t len, char hex[65]);

/* ---- the judgement of some bytes (judge.c) ---- */

#define CT_K_DATA    0
#define CT_K_ELF     1
#define CT_K_PE      2
#define CT_K_SCRIPT  3
#define CT_K_TEXT    4
#define CT_K_ARCHIVE 5

/* What one file, window or member is. */
typedef struct ct_verdict {
	mt_severity sev; /* MT_SEV_INFO with nothing == no finding */
	unsigned conf;
	int kind;     /* CT_K_* */
	int nothing;  /* 1: nothing to report */
	int self;     /* minetrace's own bytes (its binary, its rules) */
	int defender; /* a defender's file: rules of an IDS/AV/YARA, an IOC list, docs */
	char defender_what[48];
	char what[24]; /* "miner", "miner_driver", "miner_config", "script", "known_hash",
	                       "yara", "" */
	char family[32];
	char reasons[320]; /* comma-separated codes */
	char pool[256];    /* a pool URL or host the bytes name */
	char wallet[128];  /* a wallet the bytes name (checked where the form has a checksum) */
	char line[240];    /* the line of a script or decoded payload that decided */
	unsigned lineno;
	char decoded[24];    /* "base64", "base64+gzip", "hex", "powershell -e" when decoded */
	char sha256[65];     /* of the whole bytes when they were hashed, "" */
	const mt_rule *rule; /* a hash or other rule that matched, NULL */
	ct_ymatches y;
} ct_verdict;

/* The per-worker state the judge needs. */
typedef struct ct_judge {
	const mt_rules *rules;
	ct_yscan *ys;           /* NULL without YARA */
	int yara_programs_only; /* only the shipped rules: each needs ELF, PE or Mach-O magic */
	int want_hash;          /* sha256 of programs against the rules */
	int code_only;          /* a package's own file: its code and YARA, not its text (what the
	                * text alone says of a package's file is not reported) */
} ct_judge;

/* Judges the bytes of a file (path for the externals and the names, the window at
 * offset off of a file of total bytes). depth counts archives and decodings. */
void ct_judge_bytes(ct_judge *j, const char *path, const unsigned char *data, size_t len,
                    unsigned depth, ct_verdict *v);
/* The same for an archive too large to hold: its members read from fd. */
void ct_judge_archive_fd(ct_judge *j, const char *path, int fd, uint64_t size, ct_verdict *v);
/* Whether text is a defender's file (YARA/Suricata/Snort/ClamAV rules, an IOC list, a
 * document): what it is into what, 1 when it is. */
int ct_defender_text(const char *path, const char *text, size_t len, char *what, size_t whatn);
/* The wallets minetrace recognises, with their checksums where cheap: Monero (shape),
 * Bitcoin base58check (P2PKH/P2SH) and bech32 (bc1), Ethereum (0x + 40 hex, EIP-55 mixed
 * case not verified). Returns a short name ("monero", "bitcoin", "ethereum") or NULL. */
const char *ct_wallet_kind(const char *s, size_t n);
/* Finds base64/hex/gzip-wrapped payloads in text (echo ... | base64 -d | sh,
 * exec(base64.b64decode('...')), powershell -e ..., xxd -r -p) and decodes the first
 * that decodes into at most cap bytes of out; *how names the wrapping. Returns the
 * decoded length, 0 when nothing was found, and the line where it was (*line_off). */
size_t ct_unwrap(const char *text, size_t len, unsigned char *out, size_t cap, const char **how,
                 size_t *line_off);

/* ---- where a file lies (places.c) ---- */
#include "places.h"

/* ---- the engine (engine.c) ---- */
struct mt_ctx;
mt_err ct_scan_files(struct mt_ctx *ctx, const mt_check_info *self);
mt_err ct_scan_memory(struct mt_ctx *ctx, const mt_check_info *self);

#endif
