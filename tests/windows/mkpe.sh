#!/bin/sh
# mkpe.sh - builds the benign PE fixtures of tests/unit/test_pe.c into a directory with
# mingw-w64 (x86_64-w64-mingw32-gcc, -windres) and copies some Windows binaries the host
# happens to ship (pip's launchers, ...) into DIR/system/:
#   hello.exe     console program with a version resource (CompanyName "Contoso",
#                 FileVersion 1.2.3.4)
#   hello.dll     a DLL exporting one function
#   poolhelp.exe  a benign look-alike: its help text says "pool" and "stratum" once
# Usage: sh tests/windows/mkpe.sh DIR; then PE_FIXTURES=DIR build/tests/test_pe
set -eu
dir=${1:?usage: mkpe.sh DIR}
CC=${MINGW_CC:-x86_64-w64-mingw32-gcc}
WINDRES=${MINGW_WINDRES:-x86_64-w64-mingw32-windres}
mkdir -p "$dir/src" "$dir/system"
src=$dir/src

cat >"$src/hello.c" <<'C'
#include <stdio.h>
int main(void)
{
	puts("hello from Contoso");
	return 0;
}
C
cat >"$src/hello.rc" <<'RC'
1 VERSIONINFO
FILEVERSION 1,2,3,4
PRODUCTVERSION 1,2,0,0
FILEOS 0x40004
FILETYPE 0x1
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904b0"
    BEGIN
      VALUE "CompanyName", "Contoso"
      VALUE "FileDescription", "Hello \x00e9t\x00e9"
      VALUE "FileVersion", "1.2.3.4"
      VALUE "ProductName", "Contoso Hello"
      VALUE "OriginalFilename", "hello.exe"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
RC
cat >"$src/hello_dll.c" <<'C'
#include <windows.h>
__declspec(dllexport) int contoso_add(int a, int b)
{
	return a + b;
}
BOOL WINAPI DllMain(HINSTANCE h, DWORD why, LPVOID r)
{
	(void)h;
	(void)r;
	if (why == DLL_PROCESS_ATTACH)
		OutputDebugStringA("contoso dll loaded");
	return TRUE;
}
C
cat >"$src/poolhelp.c" <<'C'
#include <stdio.h>
#include <string.h>
static const char help[] =
	"usage: poolhelp [--size N]\n"
	"Keeps a pool of worker threads; the scheduler is a stratum of its own.\n";
int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--help") == 0)
		fputs(help, stdout);
	return 0;
}
C

"$WINDRES" "$src/hello.rc" -O coff -o "$src/hello_rc.o"
"$CC" -O2 -o "$dir/hello.exe" "$src/hello.c" "$src/hello_rc.o"
"$CC" -O2 -shared -o "$dir/hello.dll" "$src/hello_dll.c"
"$CC" -O2 -o "$dir/poolhelp.exe" "$src/poolhelp.c"
rm -rf "$src"

# Windows binaries of the host, if any (small ones; at most 40)
n=0
for d in /usr/lib /usr/share /usr/x86_64-w64-mingw32 /usr/lib/gcc/x86_64-w64-mingw32 \
	/opt "${PYENV_ROOT:-$HOME/.pyenv}"; do
	[ -d "$d" ] || continue
	find "$d" -type f \( -name '*.exe' -o -name '*.dll' \) -size -4096k 2>/dev/null
done | sort -u | while read -r f; do
	[ "$n" -lt 40 ] || break
	n=$((n + 1))
	cp "$f" "$dir/system/$n-$(basename "$f")"
done
echo "mkpe.sh: fixtures in $dir ($(ls "$dir/system" | wc -l) system binaries)"
