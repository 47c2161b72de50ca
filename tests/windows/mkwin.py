#!/usr/bin/env python3
"""mkwin.py - builds Windows system trees for the scenario tests, with real regf hives
written by hivex (hivexregedit --merge into an empty hive from ../shared/tools/mkhive.py).

usage:
  mkwin.py base ROOT [--case upper]     a clean Windows Server 2016 tree (tests/windows/base/)
  mkwin.py reg ROOT HIVE FILE.reg       merges FILE.reg into HIVE of ROOT: SYSTEM, SOFTWARE,
                                        SAM, or NTUSER:<profile> (Users/<profile>/NTUSER.DAT)
  mkwin.py task ROOT NAME FILE.xml      writes FILE.xml as Windows does (UTF-16LE, BOM) to
                                        Windows/System32/Tasks/NAME
  mkwin.py taskcache ROOT NAME {GUID} CMD ARGS [--no-sd]
                                        a task in SOFTWARE's TaskCache (Tree, Tasks)
  mkwin.py account ROOT NAME RID [ACB [RECORD_RID]]
                                        a local account in SAM with its F record
  mkwin.py lnk ROOT PATH TARGET [ARGS]  a shortcut (.lnk) at PATH to TARGET with ARGS
  mkwin.py file ROOT PATH [SRC]         a file at PATH (Windows path or tree path) copied
                                        from SRC, or a small benign PE stub

The .reg files are regedit's format with two additions, so the scenario files stay
readable: "Name"=expand:"text" (REG_EXPAND_SZ) and "Name"=multi:"a","b" (REG_MULTI_SZ);
they are turned into hex(2)/hex(7) for hivexregedit. Parent keys are added as needed.
Nothing here runs anything but hivexregedit, with an argument list (no shell)."""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = None
for cand in (os.path.join(HERE, "..", "..", "..", "shared", "tools"), "/work/shared/tools"):
    if os.path.exists(os.path.join(cand, "mkhive.py")):
        TOOLS = cand
        break

PREFIX = {"SYSTEM": "HKEY_LOCAL_MACHINE\\SYSTEM", "SOFTWARE": "HKEY_LOCAL_MACHINE\\SOFTWARE",
          "SAM": "HKEY_LOCAL_MACHINE\\SAM", "SECURITY": "HKEY_LOCAL_MACHINE\\SECURITY"}

# directory names as a real copy may spell them; --case upper uses the other spelling
NAMES = {"Windows": "WINDOWS", "System32": "system32", "config": "CONFIG", "Users": "USERS"}
CASE = {"upper": False}


def tree(root, winpath):
    """Tree path of a Windows path (C:\\... or /...), in the case this tree uses."""
    p = winpath.replace("\\", "/")
    if re.match(r"^[A-Za-z]:", p):
        p = p[2:]
    parts = [x for x in p.split("/") if x]
    if CASE["upper"]:
        parts = [NAMES.get(x, x) for x in parts]
    return os.path.join(root, *parts)


def existing(root, winpath):
    """The tree path of winpath, matching directories that exist in any case."""
    p = winpath.replace("\\", "/")
    if re.match(r"^[A-Za-z]:", p):
        p = p[2:]
    cur = root
    for part in [x for x in p.split("/") if x]:
        found = None
        if os.path.isdir(cur):
            for n in os.listdir(cur):
                if n.lower() == part.lower():
                    found = n
                    break
        cur = os.path.join(cur, found or (NAMES.get(part, part) if CASE["upper"] else part))
    return cur


def hive_path(root, hive):
    if hive.startswith("NTUSER:"):
        return existing(root, "Users/%s/NTUSER.DAT" % hive.split(":", 1)[1])
    return existing(root, "Windows/System32/config/" + hive)


def utf16z(s):
    return (s + "\0").encode("utf-16-le")


def hexbytes(b):
    return ",".join("%02x" % c for c in b)


def convert(text, prefix):
    """Our .reg additions to plain regedit syntax, with parents and the hive prefix."""
    out, seen = [], set()
    for line in text.splitlines():
        m = re.match(r'^\[(-?)(.*)\]\s*$', line)
        if m:
            key = m.group(2)
            full = prefix + ("\\" + key if key else "")
            rel = key.split("\\") if key else []
            for i in range(1, len(rel)):
                p = prefix + "\\" + "\\".join(rel[:i])
                if p.lower() not in seen:
                    seen.add(p.lower())
                    out.append("[%s]" % p)
                    out.append("")
            seen.add(full.lower())
            out.append("[%s%s]" % (m.group(1), full))
            continue
        m = re.match(r'^("(?:[^"\\]|\\.)*"|@)=(expand:)?"(.*)"\s*$', line)
        if m:
            # plain strings too: single backslashes stay literal in our files
            val = m.group(3).replace('\\"', '"').replace("\\\\", "\\")
            out.append("%s=hex(%d):%s" % (m.group(1), 2 if m.group(2) else 1,
                                           hexbytes(utf16z(val))))
            continue
        m = re.match(r'^("(?:[^"\\]|\\.)*"|@)=multi:(.*)$', line)
        if m:
            items = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2))
            data = b"".join(utf16z(i.replace('\\"', '"').replace("\\\\", "\\")) for i in items)
            data += b"\0\0"
            out.append("%s=hex(7):%s" % (m.group(1), hexbytes(data)))
            continue
        out.append(line)
    return "Windows Registry Editor Version 5.00\n\n" + "\n".join(
        l for l in out if not l.startswith("Windows Registry Editor")) + "\n"


def merge(root, hive, regfile):
    path = hive_path(root, hive)
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        subprocess.run([sys.executable, os.path.join(TOOLS, "mkhive.py"), path], check=True)
    prefix = "HKEY_CURRENT_USER" if hive.startswith("NTUSER:") else PREFIX[hive]
    with open(regfile, encoding="utf-8") as f:
        text = convert(f.read(), prefix)
    with tempfile.NamedTemporaryFile("w", suffix=".reg", delete=False, encoding="utf-8") as t:
        t.write(text)
        tmp = t.name
    try:
        subprocess.run(["hivexregedit", "--merge", "--prefix", prefix, path, tmp], check=True)
    finally:
        os.unlink(tmp)


def version_resource(version, company):
    """A .rsrc section body (at RVA rva) holding RT_VERSION: VS_VERSIONINFO with
    VS_FIXEDFILEINFO and a StringFileInfo block with CompanyName and FileVersion."""
    def u16z(x):
        return (x + "\0").encode("utf-16-le")

    def pad4(b):
        return b + b"\0" * (-len(b) % 4)

    def block(key, value=b"", children=b"", vtype=0, vlen=None):
        head = struct.pack("<HHH", 0, len(value) if vlen is None else vlen, vtype) + u16z(key)
        body = pad4(head) + pad4(value) + children
        return struct.pack("<H", len(body)) + body[2:]

    a, b, c, d = version
    fixed = struct.pack("<13I", 0xFEEF04BD, 0x00010000, a << 16 | b, c << 16 | d,
                        a << 16 | b, c << 16 | d, 0x3F, 0, 0x40004, 3, 7, 0, 0)
    vs = "%d.%d.%d.%d" % version
    strs = b"".join(pad4(block(k, u16z(v), vtype=1, vlen=len(v) + 1))
                    for k, v in (("CompanyName", company), ("FileVersion", vs)))
    table = block("040904B0", children=strs, vtype=1)
    sfi = block("StringFileInfo", children=pad4(table), vtype=1)
    return block("VS_VERSION_INFO", fixed, pad4(sfi))


def pe_stub(company="Microsoft Corporation", version=None):
    """A small PE32+ file that is no miner: headers, a section, and with version a
    resource section holding the version resource."""
    nsec = 2 if version else 1
    dos = b"MZ" + b"\0" * 58 + struct.pack("<I", 0x40)
    coff = struct.pack("<4sHHIIIHH", b"PE\0\0", 0x8664, nsec, 0, 0, 0, 0xF0, 0x22)
    rsrc = b""
    if version:
        ver = version_resource(version, company)
        # root -> type 16 -> name 1 -> language 0x409 -> data entry -> data
        d_off = 16 + 8
        n_off = d_off + 16 + 8
        l_off = n_off + 16 + 8
        e_off = l_off + 16 + 8
        data_off = e_off + 16
        rsrc = struct.pack("<IIHHHH", 0, 0, 0, 0, 0, 1) + struct.pack("<II", 16, 0x80000000 | n_off - 24 + 24 - 24 + d_off)
        rsrc = struct.pack("<IIHHHH", 0, 0, 0, 0, 0, 1) + struct.pack("<II", 16, 0x80000000 | d_off)
        rsrc += struct.pack("<IIHHHH", 0, 0, 0, 0, 0, 1) + struct.pack("<II", 1, 0x80000000 | n_off)
        rsrc += struct.pack("<IIHHHH", 0, 0, 0, 0, 0, 1) + struct.pack("<II", 0x409, l_off)
        rsrc += struct.pack("<IIII", 0x2000 + data_off, len(ver), 0, 0)
        rsrc += b"\0" * (data_off - len(rsrc)) + ver
    rsize = (len(rsrc) + 0x1FF) & ~0x1FF
    opt = struct.pack("<HBBIIIIIQIIHHHHHHIIIIHHQQQQII", 0x20B, 14, 0, 0x200, rsize, 0, 0x1000,
                      0x1000, 0x140000000, 0x1000, 0x200, 6, 0, 0, 0, 6, 0, 0,
                      0x3000 if version else 0x2000, 0x200, 0, 3, 0x8160, 0x100000, 0x1000,
                      0x100000, 0x1000, 0, 16)
    dirs = [(0, 0)] * 16
    if version:
        dirs[2] = (0x2000, len(rsrc))
    opt += b"".join(struct.pack("<II", r, n) for r, n in dirs)
    sec = struct.pack("<8sIIIIIIHHI", b".text", 0x100, 0x1000, 0x200, 0x200, 0, 0, 0, 0,
                      0x60000020)
    if version:
        sec += struct.pack("<8sIIIIIIHHI", b".rsrc", len(rsrc), 0x2000, rsize, 0x400, 0, 0, 0,
                           0, 0x40000040)
    hdr = dos + coff + opt + sec
    hdr += b"\0" * (0x200 - len(hdr))
    body = ("This program is part of Windows. " + company).encode() + b"\0"
    text = body + b"\0" * (0x200 - len(body))
    return hdr + text + rsrc + b"\0" * (rsize - len(rsrc))


def put_file(root, path, src=None):
    """src: a file to copy, "version=a.b.c.d" for a stub with that version, or None."""
    dst = existing(root, path)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if src and src.startswith("version="):
        with open(dst, "wb") as f:
            f.write(pe_stub(version=tuple(int(x) for x in src[8:].split("."))))
    elif src:
        shutil.copyfile(src, dst)
    else:
        with open(dst, "wb") as f:
            f.write(pe_stub())


def put_lnk(root, path, target, args=""):
    """A shell link (MS-SHLLINK) to target with args, as Explorer writes one: header,
    LinkInfo with the local base path, and the arguments as a Unicode string."""
    flags = 0x2 | 0x80 | (0x20 if args else 0)  # HasLinkInfo, IsUnicode, HasArguments
    hdr = struct.pack("<I16sIIQQQIIIH", 0x4C, bytes.fromhex("0114020000000000c000000000000046"),
                      flags, 0x20, 0, 0, 0, 0, 0, 1, 0) + b"\0" * 10
    base = target.encode("latin-1") + b"\0"
    vol = struct.pack("<IIII", 16, 3, 0, 16) + b"\0" * 0  # VolumeID: size, fixed drive, serial, label offset
    vol += b"\0"
    li_hdr = 28
    vol_off = li_hdr
    lbp_off = vol_off + len(vol)
    suf_off = lbp_off + len(base)
    body = vol + base + b"\0"
    li = struct.pack("<IIIIIII", li_hdr + len(body), li_hdr, 1, vol_off, lbp_off, 0, suf_off) + body
    data = hdr + li
    if args:
        data += struct.pack("<H", len(args)) + args.encode("utf-16-le")
    dst = existing(root, path)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, "wb") as f:
        f.write(data)


def actions_blob(cmd, args):
    """The Actions value of a TaskCache\\Tasks\\{GUID} key (version 3): a context
    string, then an Exec action (0x6666) with id, command, arguments, working directory
    as length-prefixed UTF-16 strings and a flags word."""
    def s(x):
        b = x.encode("utf-16-le")
        return struct.pack("<I", len(b)) + b
    return struct.pack("<H", 3) + s("Author") + struct.pack("<H", 0x6666) + s("") + s(cmd) + \
        s(args) + s("") + struct.pack("<H", 0)


def put_taskcache(root, name, guid, cmd, args, sd=True):
    """A task registered in the TaskCache of SOFTWARE (Tree\\NAME with Id and SD,
    Tasks\\{GUID} with Path and Actions); without sd, the Tree key has no SD value."""
    reg = "[Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tree\\%s]\n" % name.strip("\\")
    reg += '"Id"="%s"\n"Index"=dword:00000003\n' % guid
    if sd:
        reg += '"SD"=hex:01,00,04,80,78,00,00,00,88,00,00,00,00,00,00,00,14,00,00,00\n'
    reg += "\n[Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tasks\\%s]\n" % guid
    reg += '"Path"="\\%s"\n' % name.strip("\\")
    reg += '"Actions"=hex:%s\n' % hexbytes(actions_blob(cmd, args))
    with tempfile.NamedTemporaryFile("w", suffix=".reg", delete=False, encoding="utf-8") as t:
        t.write(reg)
        tmp = t.name
    try:
        merge(root, "SOFTWARE", tmp)
    finally:
        os.unlink(tmp)


def put_account(root, name, rid, acb=0x0210, record_rid=None):
    """A local account in SAM: Names\\NAME (default value of type RID) and
    Users\\%08X with an F value (RID at 0x30, account control bits at 0x38; record_rid
    puts another RID there, as RID hijacking does)."""
    f = bytearray(80)
    struct.pack_into("<H", f, 0, 2)
    struct.pack_into("<Q", f, 0x18, 132020000000000000)
    struct.pack_into("<I", f, 0x30, record_rid if record_rid is not None else rid)
    struct.pack_into("<H", f, 0x38, acb)
    reg = "[SAM\\Domains\\Account\\Users\\Names\\%s]\n@=hex(%x):\n\n" % (name, rid)
    reg += "[SAM\\Domains\\Account\\Users\\%08X]\n\"F\"=hex:%s\n" % (rid, hexbytes(bytes(f)))
    with tempfile.NamedTemporaryFile("w", suffix=".reg", delete=False, encoding="utf-8") as t:
        t.write(reg)
        tmp = t.name
    try:
        merge(root, "SAM", tmp)
    finally:
        os.unlink(tmp)


def put_task(root, name, xmlfile):
    dst = existing(root, "Windows/System32/Tasks/" + name)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(xmlfile, encoding="utf-8") as f:
        text = f.read()
    with open(dst, "wb") as f:
        f.write(b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))


def base(root):
    bdir = os.path.join(HERE, "base")
    for d in ("Windows/System32/config", "Windows/System32/drivers", "Windows/SysWOW64",
              "Windows/Fonts", "Windows/Temp", "Windows/System32/Tasks/Microsoft/Windows",
              "Windows/System32/wbem/Repository", "ProgramData/Microsoft/Windows/Start Menu/Programs/StartUp",
              "Program Files", "Program Files (x86)", "Users/Public",
              "Users/Administrator/AppData/Local/Temp",
              "Users/Administrator/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Startup"):
        os.makedirs(tree(root, d), exist_ok=True)
    for hive in ("SYSTEM", "SOFTWARE", "SAM"):
        merge(root, hive, os.path.join(bdir, hive.lower() + ".reg"))
    merge(root, "NTUSER:Administrator", os.path.join(bdir, "ntuser.reg"))
    put_account(root, "Administrator", 500, 0x0210)
    put_account(root, "Guest", 501, 0x0215)  # disabled, no password required: as shipped
    put_account(root, "DefaultAccount", 503, 0x0215)
    with open(os.path.join(bdir, "files.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                path, _, ver = line.partition(" | ")
                put_file(root, path, ("version=" + ver) if ver else None)
    for font in ("arial.ttf", "simsun.ttc", "times.ttf"):
        with open(existing(root, "Windows/Fonts/" + font), "wb") as f:
            f.write(b"\0\1\0\0" + b"\0" * 252)
    os.makedirs(existing(root, "Windows/System32/drivers/etc"), exist_ok=True)
    with open(existing(root, "Windows/System32/drivers/etc/hosts"), "w") as f:
        f.write("# Copyright (c) 1993-2009 Microsoft Corp.\r\n#\r\n# localhost name resolution "
                "is handled within DNS itself.\r\n#\t127.0.0.1       localhost\r\n")
    put_taskcache(root, "GoogleUpdateTaskMachineCore", "{5B7D4C8E-2C3A-4F1B-9E0D-7A6B5C4D3E2F}",
                  "C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe", "/c")
    for t in sorted(os.listdir(os.path.join(bdir, "tasks"))):
        put_task(root, t.replace("__", "/").rsplit(".", 1)[0], os.path.join(bdir, "tasks", t))


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    if "--case" in argv:
        i = argv.index("--case")
        CASE["upper"] = argv[i + 1] == "upper"
        del argv[i:i + 2]
    cmd, root = argv[1], argv[2]
    if cmd == "base":
        base(root)
    elif cmd == "reg":
        merge(root, argv[3], argv[4])
    elif cmd == "task":
        put_task(root, argv[3], argv[4])
    elif cmd == "taskcache":
        sd = "--no-sd" not in argv
        a = [x for x in argv[3:] if x != "--no-sd"]
        put_taskcache(root, a[0], a[1], a[2], a[3] if len(a) > 3 else "", sd)
    elif cmd == "account":
        put_account(root, argv[3], int(argv[4], 0), int(argv[5], 0) if len(argv) > 5 else 0x0210,
                    int(argv[6], 0) if len(argv) > 6 else None)
    elif cmd == "lnk":
        put_lnk(root, argv[3], argv[4], argv[5] if len(argv) > 5 else "")
    elif cmd == "file":
        put_file(root, argv[3], argv[4] if len(argv) > 4 else None)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
