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

/* Logs and the timeline (issue 5) */
#define MT_MAX_LOG_EVENTS     (1u << 20)           /* log events kept (failures aggregate) */
#define MT_MAX_LOG_FAILAGG    (1u << 18)           /* (source, user) failure counters */
#define MT_MAX_LOG_FILES      256                  /* log files read in one root */
#define MT_MAX_GZ_OUT         (1ull << 30)         /* decompressed bytes of one .gz log */
#define MT_MAX_UTMP_FILE      (256u * 1024 * 1024) /* wtmp/btmp read */
#define MT_MAX_HIST_FILE      (16u * 1024 * 1024)  /* one shell history read */
#define MT_MAX_HIST_LINES     200000               /* history lines kept, all users */
#define MT_MAX_HOMES          4096                 /* home directories searched */
#define MT_MAX_TL_EVENTS      (1u << 20)           /* timeline events */

#endif
