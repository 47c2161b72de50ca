#!/usr/bin/env python3
"""ja4.py - the JA4 TLS client fingerprint (FoxIO's specification) computed from the
fields tshark prints for a ClientHello, as an oracle for minetrace's own (src/lib/net/tls.c)
where tshark is too old to print JA4 itself (Debian 12: 4.0). The line holds, separated by
';': ja3, version, ciphersuites, extension types, supported versions, signature algorithms,
server name, ALPN (tshark -T fields -E separator=';' with those -e fields, in that order).
usage: ja4.py < tshark-line"""
import hashlib
import sys


def _grease(v):
    return (v & 0x0f0f) == 0x0a0a and (v >> 8) == (v & 0xff)


def _nums(field, base=16):
    return [int(x, base) for x in field.split(',') if x] if field else []


def ja4_of_tshark(line):
    f = line.rstrip('\n').split(';')
    _, version, ciphers, exts, supported, sigalgs, sni, alpn = (f + [''] * 8)[:8]
    ciphers = [c for c in _nums(ciphers) if not _grease(c)]
    exts = [e for e in _nums(exts, 10) if not _grease(e)]
    sv = [v for v in _nums(supported) if not _grease(v)]
    best = max(sv) if sv else int(version, 16)
    ver = {0x0304: '13', 0x0303: '12', 0x0302: '11', 0x0301: '10', 0x0300: 's3'}.get(best, '00')
    first = alpn.split(',')[0] if alpn else ''
    if not first:
        al = '00'
    elif first[0].isalnum() and first[-1].isalnum() and first.isascii():
        al = first[0] + first[-1]
    else:
        h = first.encode().hex()
        al = h[0] + h[-1]
    a = 't%s%s%02d%02d%s' % (ver, 'd' if sni else 'i', min(len(ciphers), 99), min(len(exts), 99), al)
    cs = ','.join('%04x' % c for c in sorted(ciphers))
    b = hashlib.sha256(cs.encode()).hexdigest()[:12] if ciphers else '0' * 12
    es = ','.join('%04x' % e for e in sorted(e for e in exts if e not in (0, 16)))
    sa = ','.join('%04x' % s for s in _nums(sigalgs))
    text = es + ('_' + sa if sa else '')
    c = hashlib.sha256(text.encode()).hexdigest()[:12] if text else '0' * 12
    return '%s_%s_%s' % (a, b, c)


if __name__ == '__main__':
    for line in sys.stdin:
        if line.strip():
            print(ja4_of_tshark(line))
