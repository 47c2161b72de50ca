/* limits.h - every size, count and depth limit of libminetrace in one place */
#ifndef MINETRACE_LIMITS_H
#define MINETRACE_LIMITS_H

/* Files */
#define MT_MAX_FILE_READ      (16u * 1024 * 1024)  /* config-like file read whole */
#define MT_MAX_TEXT_FILE      (1ull << 30)         /* text read line by line (cron, logs) */
#define MT_MAX_RULES_FILE     (32u * 1024 * 1024)  /* one rules file */
#define MT_MAX_HASH_READ      (512ull * 1024 * 1024) /* file hashed for evidence */
#define MT_MAX_LINE           (64u * 1024)         /* one logical line of text */
#define MT_MAX_PATH           4096                 /* a path inside the scan root */
#define MT_MAX_SYMLINKS       40                   /* symlinks followed in one walk */
#define MT_MAX_DIR_ENTRIES    (1u << 20)           /* names listed from one directory */
#define MT_MAX_DEPTH          64                   /* directory recursion */

/* Processes */
#define MT_MAX_CMDLINE        (128u * 1024)        /* /proc/PID/cmdline read */
#define MT_MAX_PROCS          (1u << 22)           /* pids listed */

/* Findings */
#define MT_MAX_FINDINGS       100000
#define MT_MAX_EVIDENCE       24                   /* evidence fields of one finding */
#define MT_MAX_ACTIONS        8                    /* remedy actions of one finding */
#define MT_MAX_ACTION_PARAMS  8
#define MT_MAX_TEXT           4096                 /* one title or explanation */
#define MT_MAX_DIAGNOSTICS    200                  /* diagnostics kept in a report */

/* Rules */
#define MT_MAX_RULES          (1u << 20)
#define MT_MAX_RULE_VALUE     1024

/* Output */
#define MT_MAX_SHOWN_STRING   512                  /* attacker string shown on a terminal */

/* Network captures (minetrace pcap, src/lib/net/) */
#define MT_PCAP_MAX_FLOWS      (1u << 18)           /* flows tracked at once (LRU eviction) */
#define MT_PCAP_MAX_BUFS       8192                 /* stream buffers in use at once */
#define MT_PCAP_STREAM_BUF     4096                 /* reassembly buffer of one direction */
#define MT_PCAP_INSPECT        (64u * 1024)         /* bytes looked at before a flow is judged benign */
#define MT_PCAP_SESSION_BYTES  (1u << 20)           /* bytes parsed of a mining session */
#define MT_PCAP_MAX_SESSIONS   65536                /* mining sessions remembered */
#define MT_PCAP_MAX_HOSTS      65536                /* hosts given a verdict */
#define MT_PCAP_MAX_DNS        65536                /* addresses learned from DNS answers */
#define MT_PCAP_MAX_SCANNERS   16384                /* sources tracked for 445 scanning */
#define MT_PCAP_MAX_PAIRS      65536                /* src -> dst:port pairs for beacons */
#define MT_PCAP_MAX_CHAIN      4096                 /* attack events in the infection chain */
#define MT_PCAP_MAX_SNAP       262144               /* bytes of one packet read from a file */
#define MT_PCAP_MAX_BLOCK      (16u * 1024 * 1024)  /* one pcapng block */
#define MT_PCAP_MAX_JSON_DEPTH 32                   /* nesting of one JSON-RPC message */

#endif
