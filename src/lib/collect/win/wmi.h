/* wmi.h - WMI permanent event subscriptions carved from the CIM repository
 * (System32\wbem\Repository\OBJECTS.DATA): __EventFilter, CommandLineEventConsumer,
 * ActiveScriptEventConsumer (and the other standard consumers by name) and
 * __FilterToConsumerBinding instances, found by their class names and read from the
 * instance records around them, the way forensic carvers (flare-wmi,
 * PyWMIPersistenceFinder) do: the repository's page map is not needed, so deleted and
 * damaged pages still yield what is left in them. Bounded: every string read is capped. */
#ifndef MT_WMI_H
#define MT_WMI_H

#include "../../internal.h"

#define MT_WMI_FILTER  1
#define MT_WMI_CMDLINE 2 /* CommandLineEventConsumer */
#define MT_WMI_SCRIPT  3 /* ActiveScriptEventConsumer */
#define MT_WMI_OTHER   4 /* NTEventLogEventConsumer, LogFileEventConsumer, SMTP... */
#define MT_WMI_BINDING 5

typedef struct mt_wmi_obj {
	int kind;               /* MT_WMI_* */
	const char *class_name; /* "CommandLineEventConsumer", ... */
	const char *name;       /* Name property, "" when not found */
	/* filter: Query, QueryLanguage, EventNamespace in a, b, c; command line consumer:
	   CommandLineTemplate, ExecutablePath, WorkingDirectory; script consumer:
	   ScriptText, ScriptingEngine, ScriptFileName; binding: Filter reference,
	   Consumer reference (as "__EventFilter.Name=\"x\"", "CommandLineEventConsumer.Name=\"y\"");
	   other consumers: their first three strings other than Name in property order
	   (NTEventLog: SourceName...; LogFile: Filename, Text; SMTP: Message, SMTPServer...).
	   Never NULL, "" when not found; a record cut by the end of the data gives what is
	   left (name "" when the cut took it). Strings are UTF-8, each cut at
	   MT_MAX_WMI_STRING bytes. A binding's name is "". */
	const char *a, *b, *c;
	uint64_t offset; /* where in the file the record was found */
} mt_wmi_obj;

/* Calls fn for every object carved from data[0..len) (at most MT_MAX_WMI_REPO bytes
 * read, MT_MAX_WMI_OBJECTS objects given): bindings first, then filters, then
 * consumers; the pointers are valid during the call only. The same object seen twice
 * (live page and an old copy) is given once; an older version with other values is
 * another object. Non-zero from fn stops. Returns the number of objects given (0 also
 * when memory ran out). What the carver relies on in the format is written at the top
 * of wmi.c. */
typedef int (*mt_wmi_fn)(void *ctx, const mt_wmi_obj *o);
size_t mt_wmi_carve(const uint8_t *data, size_t len, mt_wmi_fn fn, void *ctx);

/* Whether o is one of the subscriptions Windows installs, by name and content: the
 * "SCM Event Log Filter" with its MSFT_SCMEventLogEvent query, the NTEventLog "SCM Event
 * Log Consumer" (that class runs nothing), "BVTFilter" with its Win32_Processor load
 * query, the CommandLine "BVTConsumer" running "cscript KernCap.vbs" in
 * C:\tools\kernrate. A look-alike with the name but another class, command or query is
 * not benign. For a binding it says only that both references name a default pair: the
 * check must still judge the consumer it points at (a BVTConsumer running PowerShell). */
int mt_wmi_known_benign(const mt_wmi_obj *o);

#endif
