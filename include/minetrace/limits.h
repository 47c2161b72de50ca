/* limits.h - every size, count and depth limit of libminetrace in one place */
#ifndef MINETRACE_LIMITS_H
#define MINETRACE_LIMITS_H

/* Files */
#define MT_MAX_FILE_READ    (16u * 1024 * 1024)    /* config-like file read whole */
#define MT_MAX_TEXT_FILE    (1ull << 30)           /* text read line by line (cron, logs) */
#define MT_MAX_RULES_FILE   (32u * 1024 * 1024)    /* one rules file */
#define MT_MAX_HASH_READ    (512ull * 1024 * 1024) /* file hashed for evidence */
#define MT_MAX_LINE         (64u * 1024)           /* one logical line of text */
#define MT_MAX_PATH         4096                   /* a path inside the scan root */
#define MT_MAX_SYMLINKS     40                     /* symlinks followed in one walk */
#define MT_MAX_DIR_ENTRIES  (1u << 20)             /* names listed from one directory */
#define MT_MAX_DEPTH        64                     /* directory recursion */
#define MT_MAX_WALK_ENTRIES (1u << 20)             /* entries one tree walk visits */
#define MT_MAX_HOME_HASH    (64ull * 1024 * 1024)  /* programs in homes and /tmp hashed */
#define MT_MAX_SCRIPT_READ  (1u * 1024 * 1024)     /* a script or config judged whole */
#define MT_MAX_WEB_READ     (4u * 1024 * 1024)     /* a web page searched for browser miners */
#define MT_MAX_COPY_SIZE    (8u * 1024 * 1024)     /* renamed chattr/curl/busybox candidates */
#define MT_MAX_ELF_SYMS     (1u << 20)             /* symbols read from one ELF file */

/* Services and start-up */
#define MT_MAX_INIT_SCRIPTS 4096 /* init.d scripts and rc links judged */
#define MT_MAX_UNIT_EXEC    256  /* Exec*= entries kept per unit */
#define MT_MAX_UNIT_DROPINS 64   /* drop-in files applied per unit */
#define MT_MAX_SSH_OPTIONS  32   /* options of one authorized_keys line */

/* Processes */
#define MT_MAX_CMDLINE (128u * 1024) /* /proc/PID/cmdline read */
#define MT_MAX_PROCS   (1u << 22)    /* pids listed */

/* Findings */
#define MT_MAX_FINDINGS      100000
#define MT_MAX_EVIDENCE      24 /* evidence fields of one finding */
#define MT_MAX_ACTIONS       8  /* remedy actions of one finding */
#define MT_MAX_ACTION_PARAMS 8
#define MT_MAX_TEXT          4096 /* one title or explanation */
#define MT_MAX_DIAGNOSTICS   200  /* diagnostics kept in a report */

/* Rules */
#define MT_MAX_RULES      (1u << 20)
#define MT_MAX_RULE_VALUE 1024

/* Package databases (RPM: collect/rpmdb.c, collect/pkgdb.c) */
#define MT_MAX_RPM_HEADER   (64u * 1024 * 1024) /* one header blob (rpm's own cap: 256 MiB) */
#define MT_MAX_RPM_TAGS     65535               /* index entries of one header */
#define MT_MAX_RPM_FILES    (1u << 20)          /* files of one package */
#define MT_MAX_RPM_PACKAGES (1u << 16)          /* headers read from one database */
#define MT_MAX_PKG_PATHS    (1u << 23)          /* paths indexed from an RPM database */
#define MT_MAX_RPMDB_FILE   (2ull << 30)        /* Packages or rpmdb.sqlite read (real: < 200 MB) */

/* Output */
#define MT_MAX_SHOWN_STRING 512 /* attacker string shown on a terminal */

/* Response (respond, restore) */
#define MT_MAX_REPORT          (256u * 1024 * 1024)    /* scan report read by respond */
#define MT_MAX_JSON_LINE       (4u * 1024 * 1024)      /* one JSON Lines record */
#define MT_MAX_JSON_STRING     (1u * 1024 * 1024)      /* one decoded JSON string */
#define MT_MAX_JSON_DEPTH      32                      /* nesting of objects and arrays */
#define MT_MAX_JSON_NODES      100000                  /* values in one record */
#define MT_MAX_PLAN_STEPS      20000                   /* actions in one plan */
#define MT_MAX_QUARANTINE_FILE (1024ull * 1024 * 1024) /* file copied into quarantine */
#define MT_MAX_EDIT_FILE       (64u * 1024 * 1024)     /* file edited line by line */
#define MT_MAX_TREE_PROCS      4096                    /* processes frozen in one tree */
#define MT_MAX_CRITICAL_IDS    8192                    /* critical files known by dev/ino */

/* Logs and the timeline (issue 5) */
#define MT_MAX_LOG_EVENTS  (1u << 20)           /* log events kept (failures aggregate) */
#define MT_MAX_LOG_FAILSRC (1u << 18)           /* sources of failed logins */
#define MT_MAX_LOG_FAILAGG (1u << 19)           /* (source, user) failure counters */
#define MT_MAX_LOG_TEXT    (64u << 20)          /* event details (commands, keys) */
#define MT_MAX_LOG_FILES   256                  /* log files read in one root */
#define MT_MAX_LOG_TOTAL   (4ull << 30)         /* text of all the auth logs of a root */
#define MT_MAX_GZ_OUT      (1ull << 30)         /* decompressed bytes of one .gz log */
#define MT_MAX_UTMP_FILE   (256u * 1024 * 1024) /* wtmp/btmp read */
#define MT_MAX_HIST_FILE   (16u * 1024 * 1024)  /* one shell history read */
#define MT_MAX_HIST_LINES  200000               /* history lines kept, all users */
#define MT_MAX_HIST_TOTAL  (32u * 1024 * 1024)  /* history bytes read, all users */
#define MT_MAX_HIST_CMD    4096                 /* bytes of one history line kept */
#define MT_MAX_HOMES       4096                 /* home directories searched */
#define MT_MAX_TL_EVENTS   (1u << 20)           /* timeline events */

/* Journal files read by our own reader (issue 5, src/lib/logs/journal*.c) */
#define MT_MAX_JOURNAL_FILE    (256u * 1024 * 1024) /* one journal file read (journald: 128 MiB) */
#define MT_MAX_JOURNAL_TOTAL   (4ull << 30)         /* journal bytes read, all files */
#define MT_MAX_JOURNAL_FILES   1024                 /* journal files read in one root */
#define MT_MAX_JOURNAL_FIELD   (256u * 1024)        /* one field decompressed */
#define MT_MAX_JOURNAL_INFLATE (1ull << 30)         /* decompressed bytes, all files */
#define MT_MAX_JOURNAL_ARENA   (64u * 1024 * 1024)  /* decompressed values kept, one file */

/* Network captures (minetrace pcap, src/lib/net/) */
#define MT_PCAP_MAX_FLOWS        (1u << 18)   /* flows tracked at once (LRU eviction) */
#define MT_PCAP_MAX_BUFS         8192         /* stream buffers in use at once */
#define MT_PCAP_STREAM_BUF       4096         /* reassembly buffer of one direction */
#define MT_PCAP_INSPECT          (64u * 1024) /* bytes looked at before a flow is judged benign */
#define MT_PCAP_SESSION_BYTES    (1u << 20)   /* bytes parsed of a mining session */
#define MT_PCAP_MAX_SESSIONS     65536        /* mining sessions remembered */
#define MT_PCAP_MAX_HOSTS        65536        /* hosts given a verdict */
#define MT_PCAP_MAX_DNS          65536        /* addresses learned from DNS answers */
#define MT_PCAP_MAX_SCANNERS     16384        /* sources tracked for 445 scanning */
#define MT_PCAP_MAX_PAIRS        65536        /* src -> dst:port pairs for beacons */
#define MT_PCAP_MAX_CHAIN        4096         /* attack events in the infection chain */
#define MT_PCAP_MAX_SNAP         262144       /* bytes of one packet read from a file */
#define MT_PCAP_MAX_BLOCK        (16u * 1024 * 1024) /* one pcapng block */
#define MT_PCAP_DNS_QUERIES      4096 /* open queries for pool names (answers pair with them) */
#define MT_PCAP_MAX_NAMES        4096 /* pool/miner/campaign names, one finding each */
#define MT_PCAP_MAX_NAME_CLIENTS (1u << 20) /* (name, client) pairs told apart */
#define MT_PCAP_MAX_JSON_DEPTH   32         /* nesting of one JSON-RPC message */

/* Windows system images (issue 15, src/lib/collect/win/; event logs src/lib/logs/evtx.c) */
#define MT_MAX_HIVE_FILE   (1u << 30)           /* one registry hive read (SOFTWARE: ~100 MB) */
#define MT_MAX_HIVE_LOG    (256u * 1024 * 1024) /* one .LOG1/.LOG2 transaction log */
#define MT_MAX_REG_SUBKEYS (1u << 20)           /* subkeys listed under one key */
#define MT_MAX_REG_VALUES  (1u << 20)           /* values listed under one key */
#define MT_MAX_REG_DEPTH   512                  /* nesting of subkey index lists and keys */
#define MT_MAX_REG_DATA    (16u * 1024 * 1024)  /* one value's data (big data joined) */
#define MT_MAX_EVTX_FILE   (4ull << 30)         /* one event log read */
#define MT_MAX_EVTX_FIELDS 256                  /* EventData values of one record */
#define MT_MAX_EVTX_DEPTH  64                   /* binary XML nesting (templates included) */
#define MT_MAX_TASK_FILE   (4u * 1024 * 1024)   /* one scheduled-task XML file */
#define MT_MAX_TASK_FILES  20000                /* task files read in one root */
#define MT_MAX_WMI_REPO    (1u << 30)           /* OBJECTS.DATA carved */
#define MT_MAX_WMI_STRING  (64u * 1024)         /* one carved property */
#define MT_MAX_WMI_OBJECTS 4096                 /* subscription objects carved */
#define MT_MAX_PE_FILE     (256u * 1024 * 1024) /* a PE file read for its headers */
#define MT_MAX_PE_IMPORTS  16384                /* imports walked in one PE */

#endif
