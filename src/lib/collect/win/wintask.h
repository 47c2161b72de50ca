/* wintask.h - Windows Task Scheduler task definitions (System32\Tasks\**: XML in
 * UTF-16LE with a BOM as Windows writes it, or UTF-8) parsed into what a check judges.
 * A small bounded XML reader of our own: elements, attributes, text, entities, CDATA,
 * comments; no DTD, no external entities. */
#ifndef MT_WINTASK_H
#define MT_WINTASK_H

#include "../../internal.h"

#define MT_TASK_MAX_ACTIONS  16
#define MT_TASK_MAX_TRIGGERS 16
#define MT_TASK_MAX_DEPTH    64  /* element nesting; deeper gives MT_ERR_LIMIT */
#define MT_TASK_MAX_ATTRS    256 /* attributes of one element; more gives MT_ERR_LIMIT */

typedef struct mt_task_action {
	int kind;        /* MT_TASK_EXEC, MT_TASK_COM, MT_TASK_EMAIL, MT_TASK_MSG */
	char *command;   /* Exec/Command (UTF-8, owned), NULL when absent */
	char *arguments; /* Exec/Arguments */
	char *workdir;   /* Exec/WorkingDirectory */
	char *clsid;     /* ComHandler/ClassId */
	char *com_data;  /* ComHandler/Data */
} mt_task_action;
#define MT_TASK_EXEC  1
#define MT_TASK_COM   2
#define MT_TASK_EMAIL 3
#define MT_TASK_MSG   4

typedef struct mt_task_trigger {
	int kind;          /* MT_TRIG_* */
	int enabled;       /* 1 unless <Enabled>false</Enabled> */
	char *start;       /* StartBoundary as written, NULL when absent */
	unsigned interval; /* Repetition/Interval in seconds (PT5M -> 300), 0 none */
	char *user;        /* LogonTrigger/UserId */
} mt_task_trigger;
#define MT_TRIG_OTHER    0
#define MT_TRIG_BOOT     1
#define MT_TRIG_LOGON    2
#define MT_TRIG_TIME     3
#define MT_TRIG_CALENDAR 4
#define MT_TRIG_IDLE     5
#define MT_TRIG_EVENT    6
#define MT_TRIG_REG      7 /* RegistrationTrigger */
#define MT_TRIG_SESSION  8

typedef struct mt_task {
	char *uri;         /* RegistrationInfo/URI */
	char *author;      /* RegistrationInfo/Author */
	char *date;        /* RegistrationInfo/Date as written */
	char *description; /* RegistrationInfo/Description */
	char *user_id;     /* Principals/Principal/UserId (SID or name), first Principal */
	char *run_level;   /* Principal/RunLevel (HighestAvailable, LeastPrivilege) */
	char *logon_type;  /* Principal/LogonType (InteractiveToken, S4U, Password...) */
	int hidden;        /* Settings/Hidden true */
	int enabled;       /* Settings/Enabled: 1 unless false */
	mt_task_action actions[MT_TASK_MAX_ACTIONS];
	size_t nactions;
	mt_task_trigger triggers[MT_TASK_MAX_TRIGGERS];
	size_t ntriggers;
	unsigned dropped; /* actions or triggers over the caps */
} mt_task;

/* Parses a task file's bytes (BOM: UTF-16LE, UTF-16BE or UTF-8; without one, UTF-16LE
 * when the second byte is 0, UTF-16BE when the first is 0 and the second not, else
 * UTF-8). MT_ERR_PARSE when it is not a <Task> document or is malformed (mismatched
 * tags, text outside the root); a document cut short gives what was read before the
 * cut and MT_OK with *truncated = 1 (may be NULL). MT_ERR_LIMIT past MT_TASK_MAX_DEPTH
 * or MT_TASK_MAX_ATTRS, MT_ERR_TOOBIG over MT_MAX_TASK_FILE bytes. Element names match
 * by local name (namespace prefixes ignored), case-sensitive; values are trimmed of
 * XML white space; a DOCTYPE is skipped and its entities are never expanded; decoded
 * text ends at a NUL character. out holds what was read also after an error: free it
 * with mt_task_free in every case. */
mt_err mt_task_parse(const uint8_t *data, size_t len, mt_task *out, int *truncated);
void mt_task_free(mt_task *t);

/* One line for evidence, appended to out: "command arguments" of an Exec action (the
 * command alone when it has no arguments); nothing for other kinds. */
void mt_task_action_line(const mt_task_action *a, mt_buf *out);

#endif
