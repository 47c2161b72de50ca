#!/bin/sh
# A clean Windows Server 2016 tree: VMware Tools, Google Update, Defender in ProgramData,
# OneDrive, an installer in Windows\Temp, svchost services with DLLs in System32, the
# sample IFEO entry Windows ships. Nothing may be reported.
set -e
here=$(cd "$(dirname "$0")" && pwd)
python3 "$here/../../windows/mkwin.py" base "$1"
