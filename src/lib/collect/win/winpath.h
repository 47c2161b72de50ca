/* winpath.h - Windows paths and command lines as a scan of a Windows system tree needs
 * them: "%SystemRoot%\System32\svchost.exe -k netsvcs", "\SystemRoot\System32\drivers\x.sys",
 * "\??\C:\Windows\Fonts\a.exe" and "system32\DRIVERS\x.sys" all name files of the tree
 * ("/Windows/System32/svchost.exe"), looked up case-insensitively by the host layer. */
#ifndef MT_WINPATH_H
#define MT_WINPATH_H

#include "../../internal.h"

/* The profile a path is expanded for (%APPDATA%, %USERPROFILE%, %TEMP%): the tree path of
 * the profile directory ("/Users/alice"), or NULL for the machine (%TEMP% is then
 * Windows\Temp, as for services running as SYSTEM). */
typedef struct mt_winenv {
	const char *profile;
} mt_winenv;

/* Converts a Windows path (environment variables expanded, drive C: or none, NT and
 * Win32 device prefixes removed, '\\' to '/') into the tree path it names, into
 * out[n]. Returns 0, or -1 when the path is on another drive, a UNC share, has an
 * unknown variable, or does not fit. */
int mt_win_path_to_root(const char *winpath, size_t len, const mt_winenv *env, char *out, size_t n);

/* The program of a command line as Windows' CreateProcess finds it: the quoted first
 * word, or for an unquoted one the shortest prefix ending in an executable's
 * extension (.exe .com .bat .cmd .ps1 .vbs .js .dll .sys .scr .cpl .hta), else the first
 * word (a first word without a directory, "rundll32", is the program). Copied into out[n] (not converted); returns its length in cmd, 0 when none.
 * *args_off is where the arguments start. */
size_t mt_win_cmd_program(const char *cmd, size_t len, char *out, size_t n, size_t *args_off);

/* Whether a tree path lies in a place Windows miners drop their files: Windows\Fonts,
 * Windows\Temp, a user's Temp, AppDiagnostics, SpeechsTracing, Windows\debug, the top
 * of ProgramData, Users\Public, $Recycle.Bin, PerfLogs, Windows\Help, Windows\IME,
 * "System Volume Information". Returns a short name of the place ("Fonts", "Temp", ...)
 * or NULL. */
const char *mt_win_drop_dir(const char *treepath);

/* Whether name (a file name, any case) is one of the programs of Windows itself that
 * miners imitate (svchost.exe, lsass.exe, csrss.exe, ...): 1 exact, 0 none; *like is set
 * to the imitated name when name is a look-alike ("svch0st.exe", "1sass.exe",
 * "scvhost.exe", "svchosts.exe"). */
int mt_win_system_name(const char *name, const char **like);

#endif
