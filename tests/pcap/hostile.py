#!/usr/bin/env python3
# hostile.py - writes small hostile captures (spoofed, one-sided, flooded input from the pcap
# review) into DIR, runs minetrace pcap on each and asserts the verdicts; usage:
# hostile.py MINETRACE DIR [PCAPS]
import json, os, struct, subprocess, sys

def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def ip4(src, dst, proto, payload):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                    bytes(map(int, src.split('.'))), bytes(map(int, dst.split('.'))))
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + payload

def eth(pl): return b'\x02' * 6 + b'\x04' * 6 + b'\x08\x00' + pl
SYN, ACK, PSH = 0x02, 0x10, 0x08

def tcp(src, sp, dst, dp, seq, ack, flags, data=b''):
    t = struct.pack('!HHIIBBHHH', sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0) + data
    return eth(ip4(src, dst, 6, t))

def udp(src, sp, dst, dp, data):
    return eth(ip4(src, dst, 17, struct.pack('!HHHH', sp, dp, 8 + len(data), 0) + data))

class Pcap:
    def __init__(s, path):
        s.f = open(path, 'wb')
        s.f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    def add(s, ts, frame):
        s.f.write(struct.pack('<IIII', int(ts), int((ts % 1) * 1e6), len(frame), len(frame)) + frame)
    def tcp(s, ts, *a): s.add(ts, tcp(*a))
    def udp(s, ts, *a): s.add(ts, udp(*a))
    def close(s): s.f.close()

def conv(P, ts, c, cp, v, vp, msgs):
    """a TCP conversation: SYN, SYN-ACK, then msgs [(0|1, bytes)] (0 client->server)"""
    cs, ss = 1000, 5000
    P.tcp(ts, c, cp, v, vp, cs, 0, SYN)
    P.tcp(ts + .001, v, vp, c, cp, ss, cs + 1, SYN | ACK)
    cs += 1; ss += 1
    for i, (d, b) in enumerate(msgs):
        t = ts + .01 * (i + 1)
        if d == 0:
            P.tcp(t, c, cp, v, vp, cs, ss, PSH | ACK, b); cs += len(b)
        else:
            P.tcp(t, v, vp, c, cp, ss, cs, PSH | ACK, b); ss += len(b)

LOGIN = b'{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"44wallet","pass":"x","agent":"XMRig/6.21.0"}}\n'
JOB = b'{"id":1,"jsonrpc":"2.0","error":null,"result":{"id":"a","job":{"blob":"0707","job_id":"j1","target":"b88d0600","algo":"cn/0"},"status":"OK"}}\n'
SUBMIT = b'{"id":2,"jsonrpc":"2.0","method":"submit","params":{"id":"a","job_id":"j1","nonce":"00000000","result":"00"}}\n'
OK = b'{"id":2,"jsonrpc":"2.0","error":null,"result":{"status":"OK"}}\n'

def miner(P, ts, c='10.0.0.5', cp=40000, v='45.1.2.3', vp=3333):
    conv(P, ts, c, cp, v, vp, [(0, LOGIN), (1, JOB), (0, SUBMIT), (1, OK)])

MT, DIR = sys.argv[1], sys.argv[2]
PCAPS = sys.argv[3] if len(sys.argv) > 3 else '/work/shared/data/pcaps'
fails = 0

def run(name, *extra, keep=None):
    """the JSON lines of minetrace pcap DIR/name; keep: only lines containing one of these
    strings (and the summary) are parsed, for floods with many findings"""
    path = os.path.join(DIR, name)
    r = subprocess.run([MT, 'pcap', path, '--format', 'json', *extra], capture_output=True, text=True)
    if 'runtime error' in r.stderr or 'Sanitizer' in r.stderr or r.returncode > 1:
        expect(False, '%s: exit %d, %s' % (name, r.returncode, r.stderr[-2000:]))
    out = [json.loads(l) for l in r.stdout.splitlines() if l.strip() and
           (keep is None or '"type":"summary"' in l or any(k in l for k in keep))]
    return out

def summary(out):
    return [o for o in out if o.get('type') == 'summary'][0]

def findings(out, check=None):
    return [o for o in out if o.get('type') == 'finding' and (check is None or o.get('check') == check)]

def host(out, ip):
    for o in out:
        if o.get('type') == 'host' and o.get('ip') == ip:
            return o
    return None

def expect(cond, what):
    global fails
    if cond:
        print('ok   hostile:', what)
    else:
        print('FAIL hostile:', what); fails += 1

def new(name):
    return Pcap(os.path.join(DIR, name)), name

# --- review 3: one spoofed packet with a request and its "answer" from the same side
P, n = new('r3-spoof.pcap')
P.tcp(100, '10.0.0.7', 51000, '140.82.112.3', 443, 1, 1, PSH | ACK,
      b'{"id":1,"method":"mining.authorize","params":["x"]}\n{"id":1,"result":true}\n')
P.close()
out = run(n)
expect(not [f for f in findings(out, 'net.stratum') if f['severity'] == 'critical'],
       'r3 one spoofed packet: no critical net.stratum')
h = host(out, '10.0.0.7')
expect(not h or h.get('verdict') != 'mining', 'r3 one spoofed packet: host not mining')
# ... and the answer from the pool side still confirms
P, n = new('r3-real.pcap')
conv(P, 100, '10.0.0.7', 51000, '140.82.112.3', 443,
     [(0, b'{"id":1,"method":"mining.authorize","params":["x"]}\n'), (1, b'{"id":1,"result":true}\n')])
P.close()
out = run(n)
expect([f for f in findings(out, 'net.stratum') if f['severity'] == 'critical'],
       'r3 answered by the pool: critical net.stratum')
P, n = new('miner.pcap')
miner(P, 100)
P.close()
out = run(n)
expect([f for f in findings(out, 'net.stratum') if f['severity'] == 'critical'], 'miner alone: critical')

def smb(cmd, mid, reply=False, status=0, words=b''):
    """an SMB1 message with its 4-byte session header"""
    h = b'\xffSMB' + bytes([cmd]) + struct.pack('<I', status) + bytes([0x98 if reply else 0x18])
    h += struct.pack('<H', 0xc807) + b'\0' * 12 + struct.pack('<HHHH', 0, 0xfeff, 0x800, mid)
    m = h + bytes([len(words) // 2]) + words + b'\0\0'
    return struct.pack('>I', len(m)) + m

def trans2_setup(mid):
    # Trans2 request words: ... SetupCount=1, Setup[0]=0x000e (SESSION_SETUP), 15 words
    w = struct.pack('<HHHHBBHIHHHHHBBH', 12, 0, 1, 0, 0, 0, 0, 0, 0, 12, 66, 0, 78, 1, 0, 0x000e)
    return smb(0x32, mid, words=w)

def read_pcap(path):
    d = open(path, 'rb').read()
    o, recs = 24, []
    while o + 16 <= len(d):
        sec, us, cl, ol = struct.unpack('<IIII', d[o:o + 16])
        recs.append((sec + us / 1e6, d[o + 16:o + 16 + cl])); o += 16 + cl
    return recs

# --- review 6a: one Trans2 reply with STATUS_NOT_IMPLEMENTED and MID 0x51, nothing asked
P, n = new('r6a-spoof.pcap')
P.tcp(100, '192.168.1.20', 445, '192.168.1.10', 49000, 1, 1, PSH | ACK,
      smb(0x32, 0x51, reply=True, status=0xc0000002))
P.close()
out = run(n)
expect(not findings(out, 'net.doublepulsar'), 'r6a lone Trans2 reply: no net.doublepulsar')
# ... answered to a SESSION_SETUP request it is
P, n = new('r6a-real.pcap')
conv(P, 100, '192.168.1.10', 49000, '192.168.1.20', 445,
     [(0, trans2_setup(0x41)), (1, smb(0x32, 0x51, reply=True, status=0xc0000002))])
P.close()
out = run(n)
expect(findings(out, 'net.doublepulsar'), 'r6a reply to Trans2 SESSION_SETUP: net.doublepulsar')
# ... but not a reply coming from the side that asked
P, n = new('r6a-sameside.pcap')
conv(P, 100, '192.168.1.10', 49000, '192.168.1.20', 445,
     [(0, trans2_setup(0x41)), (0, smb(0x32, 0x51, reply=True, status=0xc0000002))])
P.close()
out = run(n)
expect(not findings(out, 'net.doublepulsar'), 'r6a reply from the asking side: no net.doublepulsar')

# --- review 6b: spoofed SYNs to 445 just before the EternalBlue capture
eb = os.path.join(PCAPS, 'eternalblue-success-unpatched-win7.pcap')
if os.path.exists(eb):
    recs = read_pcap(eb)
    P, n = new('r6b-scanfirst.pcap')
    t0 = recs[0][0] - 1
    for i in range(8):
        P.tcp(t0 + i * .01, '192.168.198.50', 40000 + i, '192.168.198.%d' % (100 + i), 445, 1, 0, SYN)
    for ts, fr in recs:
        P.add(ts, fr)
    P.close()
    out = run(n)
    ch = findings(out, 'net.infection_chain')
    expect(ch and ch[0]['evidence'].get('patient_zero') == '192.168.198.204',
           'r6b scan before EternalBlue: patient zero is still the exploiting host')
    h = host(out, '192.168.198.50')
    expect(not h or 'worm-attacker' not in h.get('verdicts', []), 'r6b scanner is not worm-attacker')
else:
    print('SKIP hostile r6b: no', eb)

def dnsname(n):
    return b''.join(bytes([len(x)]) + x.encode() for x in n.split('.')) + b'\0'

def dns_query(qid, name):
    return struct.pack('!HHHHHH', qid, 0x0100, 1, 0, 0, 0) + dnsname(name) + struct.pack('!HH', 1, 1)

def dns_answer(qid, name, ip):
    return (struct.pack('!HHHHHH', qid, 0x8180, 1, 1, 0, 0) + dnsname(name) + struct.pack('!HH', 1, 1)
            + b'\xc0\x0c' + struct.pack('!HHIH', 1, 1, 60, 4) + bytes(map(int, ip.split('.'))))

# --- review 6c: an unsolicited DNS answer for a pool name, then a SYN to that address
P, n = new('r6c-spoof.pcap')
P.udp(100, '6.6.6.6', 53, '10.0.0.9', 53000, dns_answer(0x1234, 'de01.supportxmr.com', '52.1.1.1'))
P.tcp(101, '10.0.0.9', 41000, '52.1.1.1', 443, 1, 0, SYN)
P.tcp(101.01, '52.1.1.1', 443, '10.0.0.9', 41000, 1, 2, SYN | ACK)
P.close()
out = run(n)
h = host(out, '10.0.0.9')
expect(not h or 'pool-contact' not in h.get('verdicts', []), 'r6c unsolicited DNS answer: no pool-contact')
# ... the answer to the host's own query is believed
P, n = new('r6c-real.pcap')
P.udp(99.9, '10.0.0.9', 53000, '10.0.0.1', 53, dns_query(0x1234, 'de01.supportxmr.com'))
P.udp(100, '10.0.0.1', 53, '10.0.0.9', 53000, dns_answer(0x1234, 'de01.supportxmr.com', '52.1.1.1'))
P.tcp(101, '10.0.0.11', 41000, '52.1.1.1', 443, 1, 0, SYN)
P.tcp(101.01, '52.1.1.1', 443, '10.0.0.11', 41000, 1, 2, SYN | ACK)
P.close()
out = run(n)
h = host(out, '10.0.0.11')
expect(h and 'pool-contact' in h.get('verdicts', []), 'r6c answered query: connection is pool-contact')

def pcapng(path, pkts):
    """pkts: [(ts_hi, ts_lo, frame)], one Ethernet interface, microseconds"""
    def blk(t, body):
        body += b'\0' * (-len(body) % 4)
        return struct.pack('<II', t, len(body) + 12) + body + struct.pack('<I', len(body) + 12)
    d = blk(0x0a0d0d0a, struct.pack('<IHHq', 0x1a2b3c4d, 1, 0, -1))
    d += blk(1, struct.pack('<HHI', 1, 0, 65535))
    for hi, lo, fr in pkts:
        d += blk(6, struct.pack('<IIIII', 0, hi, lo, len(fr), len(fr)) + fr)
    open(path, 'wb').write(d)

# --- review 9: pcapng times near INT64_MAX (UBSan: signed overflow in idle timeouts),
# and times before 1970; the miner after them is still found
pcapng(os.path.join(DIR, 'r9-time.pcapng'),
       [(0x7fffffff, 0xffffffff, tcp('10.0.0.1', 1000 + i, '10.0.0.2', 80, 1, 0, SYN)) for i in range(2)] +
       [(0x80000000, 0, tcp('10.0.0.1', 2000 + i, '10.0.0.2', 80, 1, 0, SYN)) for i in range(2)] +
       [(0xffffffff, 0xffffffff, tcp('10.0.0.1', 3000 + i, '10.0.0.2', 80, 1, 0, SYN)) for i in range(2)])
r = subprocess.run([MT, 'pcap', os.path.join(DIR, 'r9-time.pcapng'), '--format', 'json'],
                   capture_output=True, text=True)
expect(r.returncode in (0, 1) and 'runtime error' not in r.stderr and '"type":"summary"' in r.stdout.replace(' ', ''),
       'r9 extreme pcapng times: no overflow, a summary (exit %d)' % r.returncode)

# --- review 1: 8192 one-packet flows each holding a stream buffer ("{", no newline), then
# the miner: it still gets a buffer and is found
P, n = new('r1-buffers.pcap')
for i in range(8192):
    P.tcp(100 + i * 1e-4, '10.9.%d.%d' % (i >> 8, i & 255), 50000, '93.184.216.34', 8080, 1, 1, PSH | ACK, b'{')
miner(P, 102)
P.close()
out = run(n)
expect([f for f in findings(out, 'net.stratum') if f['severity'] == 'critical'],
       'r1 stream buffers held by 8192 idle flows: the miner is still critical')

# --- review 2: a flood of one-line "sessions" before the miner. Submits alone start no
# session (no 65536 medium findings, no quadratic scan); login-like requests over the cap
# make room by forgetting the oldest unconfirmed ones, so the miner still gets its session
P, n = new('r2-submits.pcap')
for i in range(65536):
    P.tcp(100 + i * 1e-5, '10.%d.%d.%d' % (20 + (i >> 16), (i >> 8) & 255, i & 255), 50000,
          '93.184.216.34', 3333, 1, 1, PSH | ACK, b'{"id":1,"method":"submit"}\n')
miner(P, 101)
P.close()
out = run(n, keep=['net.stratum'])
st = findings(out, 'net.stratum')
expect(len(st) == 1 and st[0]['severity'] == 'critical',
       'r2 65536 lone submits: only the miner is a stratum finding (%d)' % len(st))
P, n = new('r2-logins.pcap')
for i in range(70000):
    P.tcp(100 + i * 1e-5, '10.%d.%d.%d' % (20 + (i >> 16), (i >> 8) & 255, i & 255), 50000,
          '93.184.216.34', 3333, 1, 1, PSH | ACK,
          b'{"id":1,"method":"mining.subscribe","params":[]}\n')
miner(P, 101)
for i in range(100):  # more flood after the miner confirmed: it is never forgotten
    P.tcp(102 + i * 1e-5, '10.30.0.%d' % i, 50000, '93.184.216.34', 3333, 1, 1, PSH | ACK,
          b'{"id":1,"method":"mining.subscribe","params":[]}\n')
P.close()
out = run(n, keep=['"critical"'])
expect([f for f in findings(out, 'net.stratum') if f['severity'] == 'critical'
        and f['evidence'].get('src_ip') == '10.0.0.5'],
       'r2 70000 unanswered subscribes: the miner is still critical')
expect(any('forgotten' in d for d in summary(out)['diagnostics']),
       'r2 forgotten sessions are named in a diagnostic')

# --- review 5: 100000 spoofed DNS queries for a pool name from distinct sources, then the
# EternalBlue capture: one pool_dns finding counting the clients, nothing dropped, the
# exploitation findings and the host verdicts still there (the spoofed sources filled the
# host table first: flagged hosts take the place of less severe ones)
if os.path.exists(eb):
    P, n = new('r5-dnsflood.pcap')
    for i in range(100000):
        P.udp(50 + i * 1e-4, '172.%d.%d.%d' % (16 + (i >> 16), (i >> 8) & 255, i & 255), 40000,
              '10.0.0.1', 53, dns_query(i & 0xffff, 'de01.supportxmr.com'))
    for ts, fr in recs:
        P.add(ts, fr)
    P.close()
    out = run(n, keep=['"net.eternalblue"', '"net.doublepulsar"', '"net.pool_dns"', '"type":"host","ip":"192.168.198.20'])
    expect(findings(out, 'net.eternalblue') and findings(out, 'net.doublepulsar'),
           'r5 DNS flood before EternalBlue: net.eternalblue and net.doublepulsar reported')
    pd = findings(out, 'net.pool_dns')
    expect(len(pd) == 1 and pd[0]['evidence'].get('clients') == 100000,
           'r5 one net.pool_dns finding counting 100000 clients (%s)' %
           [f['evidence'].get('clients') for f in pd][:3])
    expect(summary(out)['findings_dropped'] == 0, 'r5 no finding dropped')
    h = host(out, '192.168.198.203')
    expect(h and h.get('verdict') == 'exploited', 'r5 the EternalBlue target is still exploited')
    expect(any('hosts with a verdict not listed' in d for d in summary(out)['diagnostics']),
           'r5 65536 flagged hosts do not fit: a diagnostic says how many are not listed')

# ... the same with 100000 spoofed SYNs to a pool address of the rules: one net.pool_addr
# finding for the address, the exploitation still reported
if os.path.exists(eb):
    P, n = new('r5-synflood.pcap')
    for i in range(100000):
        P.tcp(50 + i * 1e-4, '172.%d.%d.%d' % (16 + (i >> 16), (i >> 8) & 255, i & 255), 40000,
              '163.172.114.218', 80, 1, 0, SYN)
    for ts, fr in recs:
        P.add(ts, fr)
    P.close()
    out = run(n, keep=['"net.eternalblue"', '"net.doublepulsar"', '"net.pool_addr"'])
    pa = findings(out, 'net.pool_addr')
    expect(len(pa) == 1 and pa[0]['evidence'].get('clients') == 100000,
           'r5 100000 spoofed SYNs to a pool address: one net.pool_addr finding (%d)' % len(pa))
    expect(findings(out, 'net.eternalblue') and findings(out, 'net.doublepulsar') and
           summary(out)['findings_dropped'] == 0,
           'r5 ... EternalBlue and DoublePulsar still reported, nothing dropped')

# --- review 7: 65536 SYNs from distinct internal sources, then the miner: the host
# section is not lost (clean hosts are counted, not listed), the miner is in it, in JSON
# and in text in both languages
P, n = new('r7-hosts.pcap')
for i in range(65536):
    P.tcp(100 + i * 1e-5, '10.%d.%d.%d' % (100 + (i >> 16), (i >> 8) & 255, i & 255), 50000,
          '93.184.216.34', 80, 1, 0, SYN)
miner(P, 101)
P.close()
out = run(n, keep=['"type":"host"'])
h = host(out, '10.0.0.5')
expect(h and h.get('verdict') == 'mining', 'r7 65536 clean hosts: the miner host line is there')
expect(len([o for o in out if o.get('type') == 'host']) == 1, 'r7 clean hosts are not listed')
for lang, word, clean in (('en', 'mining', '65535 internal hosts without a verdict (clean)'),
                          ('zh', '挖矿', '另有 65535 台内网主机未见异常')):
    r = subprocess.run([MT, 'pcap', os.path.join(DIR, n), '--lang', lang], capture_output=True, text=True)
    lines = r.stdout.splitlines()
    expect([l for l in lines if '10.0.0.5' in l and word in l] and [l for l in lines if clean in l],
           'r7 text (%s): the miner host and the count of clean hosts' % lang)

# --- review 10: evasions of the stream reader and a false positive
def segs(P, ts, c, cp, v, vp, parts, order):
    """SYN, SYN-ACK, then the client's bytes cut in parts sent in the given order, then
    the pool's job answer, a submit and its answer in order"""
    cs, ss = 1000, 5000
    P.tcp(ts, c, cp, v, vp, cs, 0, SYN)
    P.tcp(ts + .001, v, vp, c, cp, ss, cs + 1, SYN | ACK)
    offs, o = [], cs + 1
    for b in parts:
        offs.append(o); o += len(b)
    for i, j in enumerate(order):
        P.tcp(ts + .01 * (i + 1), c, cp, v, vp, offs[j], ss + 1, PSH | ACK, parts[j])
    t = ts + .1
    P.tcp(t, v, vp, c, cp, ss + 1, o, PSH | ACK, JOB)
    P.tcp(t + .01, c, cp, v, vp, o, ss + 1 + len(JOB), PSH | ACK, SUBMIT)
    P.tcp(t + .02, v, vp, c, cp, ss + 1 + len(JOB), o + len(SUBMIT), PSH | ACK, OK)

def critical_miner(name, what):
    out = run(name)
    expect([f for f in findings(out, 'net.stratum') if f['severity'] == 'critical'], 'r10 ' + what)

P, n = new('r10-swap.pcap')
segs(P, 100, '10.0.0.5', 40000, '45.1.2.3', 3333, [LOGIN[:30], LOGIN[30:]], [1, 0])
P.close()
critical_miner(n, 'login in two segments, second half first: critical')
P, n = new('r10-middle.pcap')
segs(P, 100, '10.0.0.5', 40000, '45.1.2.3', 3333, [LOGIN[:20], LOGIN[20:50], LOGIN[50:]], [0, 2, 1])
P.close()
critical_miner(n, 'login in three segments, the middle one last: critical')
P, n = new('r10-crlf.pcap')
segs(P, 100, '10.0.0.5', 40000, '45.1.2.3', 3333, [b'\r\n' + LOGIN], [0])
P.close()
critical_miner(n, 'a blank CRLF line before the login: critical')
P, n = new('r10-crlf-alone.pcap')
segs(P, 100, '10.0.0.5', 40000, '45.1.2.3', 3333, [b'\r\n', LOGIN], [0, 1])
P.close()
critical_miner(n, 'a CRLF alone in the first segment, the login next: critical')
P, n = new('r10-newlines.pcap')
segs(P, 100, '10.0.0.5', 40000, '45.1.2.3', 3333, [b'\n' * 9 + LOGIN], [0])
P.close()
critical_miner(n, 'nine newlines before the login: critical')
P, n = new('r10-escape.pcap')
segs(P, 100, '10.0.0.5', 40000, '45.1.2.3', 3333, [LOGIN.replace(b'"login"', b'"log\\u0069n"', 1)], [0])
P.close()
critical_miner(n, 'method "log\\u0069n" (JSON escape): critical')
# a line-JSON API with a "login" whose answer carries some "job" object is no miner
P, n = new('r10-api.pcap')
conv(P, 100, '10.0.0.8', 40000, '93.184.216.34', 8000,
     [(0, b'{"id":1,"method":"login","params":{"login":"alice","pass":"x"}}\n'),
      (1, b'{"id":1,"result":{"session":"s1","job":{"name":"nightly-backup","state":"queued"}}}\n')])
P.close()
out = run(n)
expect(not [f for f in findings(out, 'net.stratum') if f['severity'] == 'critical'],
       'r10 a JSON API login answered with a non-mining "job": not critical')
h = host(out, '10.0.0.8')
expect(not h or h.get('verdict') != 'mining', 'r10 the API client is not mining')

# ... and a hole that is never filled: after OOO_N held segments the reader gives up on
# it and reads on in order (the lines after the hole still count)
P, n = new('r10-lost.pcap')
L2 = LOGIN.replace(b'"id":1', b'"id":7')
segs(P, 100, '10.0.0.5', 40000, '45.1.2.3', 3333, [b'{"id":0,"lost":1}\n'] + [L2] * 5 + [LOGIN],
     [1, 2, 3, 4, 5, 6])
P.close()
critical_miner(n, 'first segment lost, six login lines after the hole: critical')

# --- review 8: tables filled by spoofed input first
scan = os.path.join(PCAPS, '445_scan.pcap')
if os.path.exists(scan):
    recs = read_pcap(scan)
    P, n = new('r8-scanners.pcap')
    t0 = recs[0][0] - 20
    for i in range(16384):
        P.tcp(t0 + i * 1e-4, '10.%d.%d.%d' % (40 + (i >> 16), (i >> 8) & 255, i & 255), 40000,
              '10.99.0.1', 445, 1, 0, SYN)
    for ts, fr in recs:
        P.add(ts, fr)
    P.close()
    out = run(n, keep=['net.smb_scan'])
    expect([f for f in findings(out, 'net.smb_scan') if f['evidence'].get('src_ip') == '176.192.150.3'],
           'r8 16384 spoofed one-SYN sources first: the real 445 scanner is still reported')
else:
    print('SKIP hostile r8 scanners: no', scan)

def dns_answers(qid, name, ips):
    return (struct.pack('!HHHHHH', qid, 0x8180, 1, len(ips), 0, 0) + dnsname(name) + struct.pack('!HH', 1, 1)
            + b''.join(b'\xc0\x0c' + struct.pack('!HHIH', 1, 1, 60, 4) + bytes(map(int, ip.split('.'))) for ip in ips))

# 65536 addresses learned from answered queries for pool names, then a real answer and a
# connection to its address: pool-contact
P, n = new('r8-dns.pcap')
for q in range(1024):
    ips = ['52.%d.%d.%d' % (q >> 8, q & 255, k) for k in range(64)]
    P.udp(50 + q * .001, '10.0.0.9', 30000 + q, '10.0.0.1', 53, dns_query(q, 'de01.supportxmr.com'))
    P.udp(50 + q * .001 + 1e-4, '10.0.0.1', 53, '10.0.0.9', 30000 + q, dns_answers(q, 'de01.supportxmr.com', ips))
P.udp(99.9, '10.0.0.12', 53000, '10.0.0.1', 53, dns_query(0x4321, 'xmr.pool.minergate.com'))
P.udp(100, '10.0.0.1', 53, '10.0.0.12', 53000, dns_answer(0x4321, 'xmr.pool.minergate.com', '61.1.1.1'))
P.tcp(101, '10.0.0.13', 41000, '61.1.1.1', 443, 1, 0, SYN)
P.tcp(101.01, '61.1.1.1', 443, '10.0.0.13', 41000, 1, 2, SYN | ACK)
P.close()
out = run(n, keep=['"type":"host"'])
h = host(out, '10.0.0.13')
expect(h and 'pool-contact' in h.get('verdicts', []),
       'r8 65536 remembered DNS addresses first: a later answer still attributes the connection')

# 65536 spoofed one-SYN pairs, then a host polling one address every 10 s: net.beacon
P, n = new('r8-pairs.pcap')
for i in range(65536):
    P.tcp(50 + i * 1e-4, '10.%d.%d.%d' % (60 + (i >> 16), (i >> 8) & 255, i & 255), 40000,
          '93.184.%d.%d' % ((i >> 8) & 255, i & 255), 80, 1, 0, SYN)
for k in range(8):
    conv(P, 100 + k * 10, '10.0.0.20', 42000 + k, '198.51.100.7', 8080,
         [(0, b'GET /task HTTP/1.1\r\nHost: x\r\n\r\n'), (1, b'HTTP/1.1 200 OK\r\n\r\nrun')])
P.close()
out = run(n, keep=['net.beacon'])
expect([f for f in findings(out, 'net.beacon') if f['evidence'].get('src_ip') == '10.0.0.20'],
       'r8 65536 spoofed pairs first: the beacon is still found')

# one source with 5000 (spoofed) EternalBlue events before the real capture: it keeps 64
# chain events, the real attacker's are in the chain too
if os.path.exists(eb):
    P, n = new('r8-chain.pcap')
    recs = read_pcap(eb)
    t0 = recs[0][0] - 100
    nt = smb(0xa0, 7)
    sec = smb(0x33, 7, words=b'\0' * 18)
    for i in range(5000):
        v = '10.77.%d.%d' % (i >> 8, i & 255)
        conv(P, t0 + i * .01, '10.66.0.1', 40000 + (i % 20000), v, 445, [(0, nt), (0, sec)])
    for ts, fr in recs:
        P.add(ts, fr)
    P.close()
    out = run(n, keep=['net.infection_chain'])
    ch = findings(out, 'net.infection_chain')
    expect(ch and ch[0]['evidence'].get('events') == 64 + 2,
           'r8 one source with 5000 EternalBlue events: 64 kept, the real attack in the chain (%s)' %
           (ch[0]['evidence'].get('events') if ch else None))

# --- IPv4 fragments: a stratum session whose login, job and submit are each split over
# 16-byte IP fragments (delivered out of order) is found like the whole one; a session
# whose login fragments overlap (the two copies differ) is given up and counted, not
# guessed; 20000 datagrams that never complete do not hide a fragmented miner after them
def frag_ip(src, dst, proto, payload, ident, size, order):
    """the IP fragments of one datagram, size bytes of payload each (a multiple of 8),
    in the given order of their indexes ('rev', 'fwd' or a list)"""
    parts = [payload[i:i + size] for i in range(0, len(payload), size)]
    idx = list(range(len(parts)))
    if order == 'rev':
        idx.reverse()
    elif isinstance(order, list):
        idx = order
    out = []
    for i in idx:
        off = i * size // 8
        mf = 0x2000 if i < len(parts) - 1 else 0
        h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(parts[i]), ident, mf | off, 64,
                        proto, 0, bytes(map(int, src.split('.'))), bytes(map(int, dst.split('.'))))
        h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
        out.append(eth(h + parts[i]))
    return out

def tcp_seg(sp, dp, seq, ack, flags, data=b''):
    return struct.pack('!HHIIBBHHH', sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0) + data

def frag_conv(P, ts, c, cp, v, vp, msgs, ident, order='rev'):
    cs, ss = 1000, 5000
    P.tcp(ts, c, cp, v, vp, cs, 0, SYN)
    P.tcp(ts + .001, v, vp, c, cp, ss, cs + 1, SYN | ACK)
    cs += 1; ss += 1
    for i, (d, b) in enumerate(msgs):
        t = ts + .01 * (i + 1)
        if d == 0:
            seg, src, dst = tcp_seg(cp, vp, cs, ss, PSH | ACK, b), c, v
            cs += len(b)
        else:
            seg, src, dst = tcp_seg(vp, cp, ss, cs, PSH | ACK, b), v, c
            ss += len(b)
        for k, fr in enumerate(frag_ip(src, dst, 6, seg, ident + i, 16, order)):
            P.add(t + k * 1e-4, fr)

P, n = new('frag-miner.pcap')
frag_conv(P, 100, '10.0.0.5', 40000, '45.1.2.3', 3333, [(0, LOGIN), (1, JOB), (0, SUBMIT), (1, OK)], 7000)
P.close()
out = run(n)
st = findings(out, 'net.stratum')
expect(st and st[0]['severity'] == 'critical' and st[0]['evidence'].get('login') == '44wallet',
       'fragments: a stratum session split over IP fragments, out of order, is found')
expect(any('datagrams reassembled' in d for d in summary(out)['diagnostics']),
       'fragments: the reassembly is counted')

P, n = new('frag-overlap.pcap')
cs, ss = 1001, 5001
P.tcp(100, '10.0.0.9', 40001, '45.1.2.3', 3333, 1000, 0, SYN)
P.tcp(100.001, '45.1.2.3', 3333, '10.0.0.9', 40001, 5000, 1001, SYN | ACK)
seg = tcp_seg(40001, 3333, cs, ss, PSH | ACK, LOGIN)
frs = frag_ip('10.0.0.9', '45.1.2.3', 6, seg, 9000, 16, 'fwd')
# a second copy of the fragment at offset 16 with other bytes: the two copies overlap
bad = bytearray(frs[1])
bad[14 + 20:14 + 36] = b'XXXXXXXXXXXXXXXX'
bad[14 + 10:14 + 12] = b'\0\0'
frs.insert(2, bytes(bad))
for k, fr in enumerate(frs):
    P.add(100.01 + k * 1e-4, fr)
P.close()
out = run(n)
expect(not [f for f in findings(out, 'net.stratum') if f['evidence'].get('src_ip') == '10.0.0.9'],
       'fragments: overlapping copies are not guessed (no session from them)')
import re
gave = [int(m.group(1)) for d in summary(out)['diagnostics'] for m in [re.search(r'(\d+) given up', d)] if m]
expect(gave and gave[0] >= 1, 'fragments: the overlap is counted (%r)' % gave)

P, n = new('frag-flood.pcap')
for i in range(20000):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 36, i & 0xffff, 0x2000, 64, 6, 0,
                    bytes([10, 50, (i >> 8) & 255, i & 255]), bytes([45, 1, 2, 3]))
    P.add(50 + i * 1e-4, eth(h + b'\0' * 16))
frag_conv(P, 100, '10.0.0.5', 40000, '45.1.2.3', 3333, [(0, LOGIN), (1, JOB), (0, SUBMIT), (1, OK)], 7000)
P.close()
out = run(n, keep=['net.stratum'])
expect([f for f in findings(out, 'net.stratum') if f['severity'] == 'critical'],
       'fragments: 20000 incomplete datagrams first, the fragmented miner is still found')

# --- DNS over TCP: a pool name asked and answered over TCP/53 (two queries in one segment,
# the answer split over two) is the same pool DNS finding, and the connection to the
# answered address is pool-contact; an answer over TCP without its query is ignored
def tcp_dns(msg):
    return struct.pack('!H', len(msg)) + msg

P, n = new('dns-tcp.pcap')
q = tcp_dns(dns_query(0x4321, 'de01.supportxmr.com')) + tcp_dns(dns_query(0x4322, 'example.org'))
a = tcp_dns(dns_answer(0x4321, 'de01.supportxmr.com', '52.1.1.7'))
conv(P, 99.5, '10.0.0.12', 41500, '10.0.0.1', 53, [(0, q), (1, a[:9]), (1, a[9:])])
P.tcp(101, '10.0.0.13', 41000, '52.1.1.7', 443, 1, 0, SYN)
P.tcp(101.01, '52.1.1.7', 443, '10.0.0.13', 41000, 1, 2, SYN | ACK)
P.close()
out = run(n)
pd = [f for f in findings(out, 'net.pool_dns') if 'supportxmr' in json.dumps(f['evidence'])]
expect(pd, 'dns over tcp: the pool name asked over TCP is a pool DNS finding')
h = host(out, '10.0.0.13')
expect(h and 'pool-contact' in h.get('verdicts', []), 'dns over tcp: the answered address is pool-contact')
P, n = new('dns-tcp-spoof.pcap')
conv(P, 99.5, '6.6.6.6', 53, '10.0.0.14', 41600, [(0, tcp_dns(dns_answer(0x1, 'de01.supportxmr.com', '52.1.1.8')))])
P.tcp(101, '10.0.0.14', 41000, '52.1.1.8', 443, 1, 0, SYN)
P.tcp(101.01, '52.1.1.8', 443, '10.0.0.14', 41000, 1, 2, SYN | ACK)
P.close()
out = run(n)
h = host(out, '10.0.0.14')
expect(not h or 'pool-contact' not in h.get('verdicts', []), 'dns over tcp: an answer without its query is ignored')

# --- getwork / getblocktemplate over HTTP as real miners speak it (cpuminer, bfgminer):
# keep-alive with several calls, chunked answers, JSON-RPC batches, HTTP/1.0 answers
# without a length, a template and a submitted block far larger than the stream buffer;
# the worker comes from Basic authorization, the program from User-Agent. A wallet's
# RPC to its own node (getblockchaininfo) is no mining.
import base64 as _b64
def gw_req(body, ver='1.1'):
    b = body.encode()
    return ('POST / HTTP/%s\r\nAuthorization: Basic %s\r\nHost: 198.51.100.7:8332\r\n'
            'User-Agent: bfgminer/5.5.0\r\nContent-Type: application/json\r\n'
            'Content-Length: %d\r\nX-Mining-Extensions: longpoll midstate rollntime\r\n\r\n'
            % (ver, _b64.b64encode(b'1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2.rig7:x').decode(), len(b))).encode() + b
def gw_resp(body, how='len'):
    b = body.encode()
    if how == 'chunked':
        cut = len(b) // 3
        return (b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n'
                + b'%x;ext=1\r\n' % cut + b[:cut] + b'\r\n' + b'%X\r\n' % (len(b) - cut) + b[cut:] + b'\r\n0\r\n\r\n')
    if how == 'close':
        return b'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n' + b
    return b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n' % len(b) + b
GW_Q = '{"method":"getwork","params":[],"id":%d}'
GW_A = '{"result":{"midstate":"aa","data":"0000000109a78d37","hash1":"00","target":"ffffffff"},"error":null,"id":%d}'
GBT_Q = '{"id":%d,"method":"getblocktemplate","params":[{"capabilities":["coinbasetxn","workid","coinbase/append"],"rules":["segwit"]}]}'
def gbt_a(i, ntx):
    txs = ','.join('{"data":"%s","txid":"%064x","fee":1000}' % ('ab' * 250, k) for k in range(ntx))
    return ('{"result":{"capabilities":["proposal"],"version":536870912,"rules":["csv","segwit"],'
            '"vbavailable":{},"vbrequired":0,"previousblockhash":"00000000000000000002a7c4",'
            '"transactions":[%s],"coinbaseaux":{},"coinbasevalue":631250000,"longpollid":"x",'
            '"target":"00000000000000000004","mintime":1,"mutable":["time"],"noncerange":"00000000ffffffff",'
            '"curtime":2,"bits":"17034219","height":820001},"error":null,"id":%d}' % (txs, i))
def in_segs(d, b, size=1400):
    return [(d, b[k:k + size]) for k in range(0, len(b), size)]
gw_cases = {
    'gw-keepalive.pcap': [(0, gw_req(GW_Q % 1)), (1, gw_resp(GW_A % 1)), (0, gw_req(GW_Q % 2)), (1, gw_resp(GW_A % 2))],
    'gw-chunked.pcap': [(0, gw_req(GBT_Q % 3))] + in_segs(1, gw_resp(gbt_a(3, 4), 'chunked'), 300),
    'gw-batch.pcap': [(0, gw_req('[' + GW_Q % 4 + ',' + GW_Q % 5 + ']')), (1, gw_resp('[' + GW_A % 4 + ',' + GW_A % 5 + ']'))],
    'gw-http10.pcap': [(0, gw_req(GW_Q % 6, '1.0')), (1, gw_resp(GW_A % 6, 'close'))],
    'gw-big.pcap': [(0, gw_req(GBT_Q % 7))] + in_segs(1, gw_resp(gbt_a(7, 300))) +
                   in_segs(0, gw_req('{"id":8,"method":"submitblock","params":["%s"]}' % ('00' * 150000))) +
                   [(1, gw_resp('{"result":null,"error":null,"id":8}')), (0, gw_req(GW_Q % 9)), (1, gw_resp(GW_A % 9))],
    'gw-big-chunked.pcap': [(0, gw_req(GBT_Q % 10))] + in_segs(1, gw_resp(gbt_a(10, 300), 'chunked')),
}
for name, msgs in gw_cases.items():
    P, n = new(name)
    conv(P, 200, '10.0.0.40', 42000, '198.51.100.7', 8332, msgs)
    P.close()
    st = findings(run(n), 'net.stratum')
    ev = st[0]['evidence'] if st else {}
    expect(st and st[0]['severity'] == 'critical' and ev.get('protocol') == 'getwork-http',
           '%s: a confirmed getwork/getblocktemplate session (%s)' % (name, st and st[0]['severity']))
    expect(ev.get('login') == '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2.rig7' and ev.get('agent') == 'bfgminer/5.5.0',
           '%s: worker from Basic authorization, program from User-Agent (%s, %s)' % (name, ev.get('login'), ev.get('agent')))
    if name in ('gw-keepalive.pcap', 'gw-batch.pcap', 'gw-big.pcap'):
        expect(ev.get('jobs', 0) >= 2, '%s: every answer on the connection is read (%s jobs)' % (name, ev.get('jobs')))
P, n = new('rpc-wallet.pcap')
conv(P, 200, '10.0.0.41', 42001, '10.0.0.20', 8332,
     [(0, gw_req('{"method":"getblockchaininfo","params":[],"id":1}')),
      (1, gw_resp('{"result":{"chain":"main","blocks":820000,"bestblockhash":"00","difficulty":1},"error":null,"id":1}')),
      (0, gw_req('{"method":"getblock","params":["00"],"id":2}')),
      (1, gw_resp('{"result":{"hash":"00","version":1,"previousblockhash":"00","bits":"17","tx":[]},"error":null,"id":2}'))])
P.close()
expect(not findings(run(n), 'net.stratum'), 'rpc-wallet: a node RPC client that does not ask for work is no miner')

# --- MS17-010 beyond EternalBlue, by the SMB1 transaction invariants each exploit breaks
# (smb.c): EternalRomance/Synergy writes into an open transaction with WriteAndX of its
# identity; EternalChampion races a secondary against a primary that already carried
# everything, NT_TRANSACT_RENAME first; an oversized Trans secondary. Their benign
# neighbours (a multi-part transaction done by the book, a WriteAndX reusing the MID after
# the final answer, a WriteAndX of another MID) stay quiet.
def smbx(cmd, mid, words=b'', reply=False, status=0, tid=0x0801, pid=0x1234, uid=0x0800):
    h = b'\xffSMB' + bytes([cmd]) + struct.pack('<I', status) + bytes([0x98 if reply else 0x18])
    h += struct.pack('<H', 0xc807) + b'\0' * 12 + struct.pack('<HHHH', tid, pid, uid, mid)
    m = h + bytes([len(words) // 2]) + words + b'\0\0'
    return struct.pack('>I', len(m)) + m
def trans(mid, tp, td, pc, dc, cmd=0x25, setup=(0x0023,)):
    w = struct.pack('<HHHHBBHIHHHHHBB', tp, td, 1024, 4096, 0, 0, 0, 0, 0, pc, 84, dc, 84 + pc, len(setup), 0)
    return smbx(cmd, mid, w + b''.join(struct.pack('<H', x) for x in setup))
def trans_sec(mid, tp, td, pc, pd, dc, dd, cmd=0x26):
    w = struct.pack('<HHHHHHHH', tp, td, pc, 70, pd, dc, 70 + pc, dd)
    return smbx(cmd, mid, w + (struct.pack('<H', 0x4000) if cmd == 0x33 else b''))
def nt_trans(mid, fn, tp, td, pc, dc):
    return smbx(0xa0, mid, struct.pack('<BHIIIIIIIIBH', 0, 0, tp, td, 1024, 4096, pc, 84, dc, 84 + pc, 0, fn))
def nt_sec(mid, tp, td, pc, pd, dc, dd):
    return smbx(0xa1, mid, struct.pack('<3sIIIIIIIIB', b'\0' * 3, tp, td, pc, 80, pd, dc, 80 + pc, dd, 0))
def interim(cmd, mid): return smbx(cmd, mid, reply=True)
def final(cmd, mid): return smbx(cmd, mid, b'\0' * 20, reply=True)
def write_andx(mid, tid=0x0801): return smbx(0x2f, mid, struct.pack('<BBHHIIHHHHH', 0xff, 0, 0, 0x4000, 0, 0, 0, 0, 0, 64, 64), tid=tid)
neg = smbx(0x72, 1, b'', reply=False)
ms17 = {
    'romance.pcap': ([(0, neg), (0, trans(0x40, 16, 4096, 16, 1024)), (1, interim(0x25, 0x40)), (0, write_andx(0x40))],
                     'net.eternalromance', 'critical'),
    'champion.pcap': ([(0, neg), (0, nt_trans(0x41, 5, 4, 64, 4, 64) + nt_sec(0x41, 4, 64, 0, 0, 32, 32))],
                      'net.eternalchampion', 'critical'),
    'champion-trans.pcap': ([(0, neg), (0, trans(0x42, 2, 8, 2, 8)), (0, trans_sec(0x42, 2, 8, 0, 0, 8, 0))],
                            'net.eternalchampion', 'critical'),
    'rename-only.pcap': ([(0, neg), (0, nt_trans(0x43, 5, 4, 64, 4, 64)), (1, final(0xa0, 0x43))],
                         'net.eternalchampion', 'high'),
    'trans-overflow.pcap': ([(0, neg), (0, trans(0x44, 0, 100, 0, 50)), (1, interim(0x25, 0x44)),
                             (0, trans_sec(0x44, 0, 100, 0, 0, 60, 50))], 'net.eternalblue', 'critical'),
    'trans-mixed.pcap': ([(0, neg), (0, trans(0x45, 0, 100, 0, 50, cmd=0x32, setup=(0x0001,))), (1, interim(0x32, 0x45)),
                          (0, trans_sec(0x45, 0, 100, 0, 0, 50, 50, cmd=0x26))], 'net.eternalblue', 'critical'),
}
benign = {
    'trans-by-the-book.pcap': [(0, neg), (0, trans(0x50, 16, 200, 16, 100)), (1, interim(0x25, 0x50)),
                               (0, trans_sec(0x50, 16, 200, 0, 16, 100, 100)), (1, final(0x25, 0x50)),
                               (0, write_andx(0x50)), (0, trans(0x51, 4, 8, 4, 8, cmd=0x32, setup=(0x0001,))),
                               (0, write_andx(0x52)), (1, final(0x32, 0x51)),
                               (0, nt_trans(0x53, 1, 4, 200, 4, 100)), (1, interim(0xa0, 0x53)),
                               (0, nt_sec(0x53, 4, 200, 0, 4, 100, 100))],
}
for name, (msgs, check, sev) in ms17.items():
    P, n = new(name)
    conv(P, 300, '10.0.0.60', 49200, '10.0.0.61', 445, msgs)
    P.close()
    out = run(n)
    got = findings(out, check)
    expect(got and got[0]['severity'] == sev and got[0]['evidence'].get('attacker') == '10.0.0.60',
           '%s: %s %s (%s)' % (name, check, sev, got and (got[0]['severity'], got[0]['evidence'].get('indicator'))))
    others = [f['check'] for f in findings(out) if f['check'] in
              ('net.eternalblue', 'net.eternalromance', 'net.eternalchampion') and f['check'] != check]
    expect(not others,
           '%s: no other MS17-010 exploit named (%s)' % (name, others))
    if sev == 'critical':
        h = host(out, '10.0.0.61')
        expect(h and 'attacked' in json.dumps(h), '%s: the victim is marked attacked (%s)' % (name, h))
for name, msgs in benign.items():
    P, n = new(name)
    conv(P, 300, '10.0.0.62', 49300, '10.0.0.63', 445, msgs)
    P.close()
    bad = [(f['check'], f['evidence'].get('indicator')) for f in findings(run(n)) if f['check'].startswith('net.eternal')]
    expect(not bad, '%s: SMB1 transactions by the book are no exploit (%s)' % (name, bad))

# --- TLS: the names in a TLS 1.2 server certificate (the client named no server), and a
# client with a miner's fingerprint (XMRig 6.x's ClientHello, rebuilt from its measured
# lists) judged by the flow's shape: a dialogue of small records off the web port is high,
# the same hello with one short exchange or large uploads stays low
import subprocess as _sp, tempfile as _tf
def tls_rec(t, body): return struct.pack('!BHH', t, 0x0303, len(body)) + body
def hs(t, body): return struct.pack('!B', t) + len(body).to_bytes(3, 'big') + body
def ext(t, body): return struct.pack('!HH', t, len(body)) + body
def u16s(v): return b''.join(struct.pack('!H', x) for x in v)
XM_CIPHERS = [0x1302, 0x1303, 0x1301, 0xc02c, 0xc030, 0x009f, 0xcca9, 0xcca8, 0xccaa, 0xc02b, 0xc02f,
              0x009e, 0xc024, 0xc028, 0x006b, 0xc023, 0xc027, 0x0067, 0xc00a, 0xc014, 0x0039, 0xc009,
              0xc013, 0x0033, 0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f, 0x00ff]
XM_SIGALGS = [0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b, 0x0804, 0x0805, 0x0806,
              0x0401, 0x0501, 0x0601, 0x0303, 0x0203, 0x0301, 0x0201, 0x0302, 0x0202, 0x0402, 0x0502, 0x0602]
def client_hello(ciphers, exts):
    body = struct.pack('!H', 0x0303) + b'\x11' * 32 + b'\x20' + b'\x22' * 32
    body += struct.pack('!H', 2 * len(ciphers)) + u16s(ciphers) + b'\x01\x00'
    e = b''.join(exts)
    return tls_rec(22, hs(1, body + struct.pack('!H', len(e)) + e))
def xmrig_hello():
    return client_hello(XM_CIPHERS, [
        ext(11, b'\x03\x00\x01\x02'), ext(10, struct.pack('!H', 10) + u16s([29, 23, 30, 25, 24])),
        ext(35, b''), ext(22, b''), ext(23, b''),
        ext(13, struct.pack('!H', 2 * len(XM_SIGALGS)) + u16s(XM_SIGALGS)),
        ext(43, b'\x08' + u16s([0x0304, 0x0303, 0x0302, 0x0301])), ext(45, b'\x01\x01'),
        ext(51, struct.pack('!H', 38) + struct.pack('!HH', 29, 32) + b'\x33' * 32)])
def plain_hello():  # a TLS 1.2 client by address: no extensions but one
    return client_hello([0xc02f, 0xc030, 0x009e], [ext(13, struct.pack('!H', 4) + u16s([0x0401, 0x0501]))])
def der_cert(cn, sans):
    d = _tf.mkdtemp()
    try:
        args = ['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
                '-keyout', d + '/k', '-out', d + '/c', '-outform', 'DER', '-days', '1', '-subj', '/O=x/CN=' + cn]
        if sans:
            args += ['-addext', 'subjectAltName=' + ','.join('DNS:' + x for x in sans)]
        _sp.run(args, check=True, capture_output=True)
        return open(d + '/c', 'rb').read()
    finally:
        _sp.run(['rm', '-rf', d])
def server_flight(cert):
    sh = hs(2, struct.pack('!H', 0x0303) + b'\x44' * 32 + b'\x00' + struct.pack('!H', 0xc02f) + b'\x00')
    ct = hs(11, len(cert + b'...').to_bytes(3, 'big') if False else (len(cert) + 3).to_bytes(3, 'big') + len(cert).to_bytes(3, 'big') + cert)
    return tls_rec(22, sh + ct + hs(14, b''))
def app(n): return tls_rec(23, b'\x55' * n)
have_openssl = _sp.run(['sh', '-c', 'command -v openssl'], capture_output=True).returncode == 0
if have_openssl:
    P, n = new('tls-cert-pool.pcap')
    conv(P, 400, '10.0.0.70', 43000, '45.9.9.9', 8443,
         [(0, plain_hello()), (1, server_flight(der_cert('Pool Server', ['gulf.moneroocean.stream', '*.supportxmr.com']))),
          (0, tls_rec(20, b'\x01')), (0, app(40))])
    P.close()
    out = run(n)
    pa = [f for f in findings(out, 'net.pool_addr') if 'moneroocean' in json.dumps(f['evidence'])]
    pb = [f for f in findings(out, 'net.pool_addr') if 'supportxmr' in json.dumps(f['evidence'])]
    expect(pa and pb, 'tls-cert: the pool names of a TLS 1.2 certificate (SAN, wildcard) are pool contact (%s)'
           % [f['evidence'] for f in findings(out)])
    P, n = new('tls-cert-web.pcap')
    conv(P, 400, '10.0.0.71', 43001, '93.184.216.34', 443,
         [(0, plain_hello()), (1, server_flight(der_cert('www.example.org', ['www.example.org', 'example.org'])))])
    P.close()
    expect(not findings(run(n)), 'tls-cert: a web server certificate by address is nothing')
P, n = new('tls-xmrig-shape.pcap')
conv(P, 400, '10.0.0.72', 43002, '45.9.9.10', 8843,
     [(0, xmrig_hello()), (1, tls_rec(22, b'\x02\x00\x00\x00')), (1, tls_rec(20, b'\x01')), (1, app(900)), (1, app(200)),
      (0, tls_rec(20, b'\x01')), (0, app(53)), (0, app(410)), (1, app(380)), (0, app(230)), (1, app(90)), (0, app(70))])
P.close()
st = findings(run(n), 'net.stratum')
ev = st[0]['evidence'] if st else {}
expect(st and st[0]['severity'] == 'high' and ev.get('protocol') == 'stratum-tls' and ev.get('family') == 'xmrig' and
       ev.get('ja4') == 't13i310900_e8f1e7e78f70_5ac7197df9d2' and ev.get('ja3') == 'c34a54599a1fbaf1786aa6d633545a60',
       'tls-xmrig-shape: a miner fingerprint in a dialogue of small records is high stratum-tls (%s)' % st)
P, n = new('tls-xmrig-upload.pcap')
conv(P, 400, '10.0.0.73', 43003, '45.9.9.11', 8843,
     [(0, xmrig_hello()), (1, tls_rec(22, b'\x02\x00\x00\x00')), (1, app(900)), (0, app(53)), (0, app(9000)),
      (0, app(9000)), (0, app(9000)), (1, app(60))])
P.close()
st = findings(run(n), 'net.stratum')
expect(st and st[0]['severity'] == 'low', 'tls-xmrig-upload: the fingerprint with large uploads stays low (%s)'
       % [(f['severity'], f['evidence'].get('records_sent')) for f in st])
P, n = new('tls-xmrig-443.pcap')
conv(P, 400, '10.0.0.74', 43004, '45.9.9.12', 443, [(0, xmrig_hello()), (1, tls_rec(22, b'\x02\x00\x00\x00')), (1, app(3000))])
P.close()
st = findings(run(n), 'net.stratum')
expect(st and st[0]['severity'] == 'low' and not [h for h in run(n) if h.get('type') == 'host' and h.get('verdict')],
       'tls-xmrig-443: the fingerprint alone, one exchange on 443, is low and gives no host verdict (%s)' % st)

#@@MORE@@

sys.exit(1 if fails else 0)
