/* filescan.h - content scanners for files: miner configuration text (JSON), Monero
 * wallet shape, miner strings in binaries (streamed), script sources of web pages */
#ifndef MT_FILESCAN_H
#define MT_FILESCAN_H

#include "../internal.h"

/* ---- Monero wallet shape ---- */

/* 1 when s[0..n) is exactly a Monero standard address: "4", one of [0-9AB], then 93
 * base58 characters (95 in all). Integrated and sub-addresses are not matched. */
int mt_is_monero_wallet(const char *s, size_t n);

/* ---- miner configuration (XMRig config.json, xmr-stak pools.txt) ---- */

typedef struct mt_minercfg {
	unsigned pools;        /* a "pools" key whose value is an array */
	unsigned url, user;    /* "url" and "user" keys */
	unsigned donate;       /* a "donate-level" key */
	unsigned pool_list;    /* xmr-stak: "pool_list" key */
	unsigned pool_address; /* xmr-stak: "pool_address" or "wallet_address" keys */
	unsigned stratum;      /* a string value starting with "stratum+" */
	unsigned wallet;       /* a string value of Monero wallet shape */
	unsigned keys;         /* keys seen in all */
	unsigned documents;    /* top-level objects or arrays closed (JSON Lines: several) */
	char first_url[256];   /* first "url"/"pool_address" value, "" when none */
	char first_wallet[96]; /* first wallet-shaped value, "" when none */
} mt_minercfg;

/* 1 when the text starts (after blanks and a UTF-8 BOM) like JSON or a commented JSON
 * fragment: '{', '[', '"' or a comment. */
int mt_minercfg_looks_json(const char *text, size_t n);

/* A light scan of JSON-like text, not a parser: strings are read with their escapes, a
 * string followed by ':' is a key, comments are skipped. Never fails; malformed text
 * gives what was seen up to where it stops making sense. */
void mt_minercfg_scan(const char *text, size_t n, mt_minercfg *out);

/* The verdict: 1 when c describes a miner configuration ("pools" with "url" or "user",
 * xmr-stak's "pool_list" with pool or wallet addresses, a "donate-level" key, or a
 * wallet-shaped value) in one document: JSON Lines (several documents) are not. codes (may be NULL) receives the reasons, comma-separated:
 * "pools", "pool_list", "donate_level", "wallet", "stratum_url". */
int mt_minercfg_verdict(const mt_minercfg *c, char *codes, size_t codeslen);

/* ---- miner strings in a binary, fed in chunks ---- */

/* The strings that identify miner code: "stratum+tcp://", "cryptonight", "randomx",
 * "xmrig", "donate-level", "mining.subscribe", "mining.authorize". */
#define MT_MINER_STRINGS 7
extern const char *const mt_miner_strings[MT_MINER_STRINGS];

/* The line of rules/miners.rules that marks minetrace's own bytes (its binaries embed the
 * rules, so they hold every miner string); win/pe.c looks for it in its own pass. */
extern const char mt_strscan_self_marker[];

typedef struct mt_strscan {
	unsigned found;         /* bit i: mt_miner_strings[i] seen */
	int self;               /* minetrace's own marker seen (this scanner's binary) */
	unsigned char tail[64]; /* last bytes of the previous chunk, for matches across */
	size_t tail_len;
} mt_strscan;

void mt_strscan_init(mt_strscan *s);
void mt_strscan_feed(mt_strscan *s, const void *p, size_t n);
/* Number of distinct miner strings seen. */
unsigned mt_strscan_count(const mt_strscan *s);
/* Comma-separated list of the strings seen. */
void mt_strscan_names(const mt_strscan *s, char *out, size_t outlen);

/* ---- browser miners in web content ---- */

typedef struct mt_webhit {
	const char *what; /* "coinhive.min.js", "CoinHive.Anonymous", "CryptoLoot" or
	                          "script_src" */
	const char *host; /* script_src: the host of the URL (not NUL-terminated) */
	size_t host_len;
	size_t offset; /* where in the text the hit is */
} mt_webhit;

/* Calls fn for each browser-miner marker and for each script source URL of text (for
 * HTML: src= inside a <script tag; for JavaScript (is_js): any src= assignment). Stops
 * when fn returns non-zero. */
void mt_webscan(const char *text, size_t n, int is_js, int (*fn)(void *ctx, const mt_webhit *hit),
                void *ctx);

#endif
