#!/usr/bin/env python3
"""typed_reg.py - writes a .reg file with a value of every registry type (and the odd
sizes and encodings writers produce), Unicode and Latin-1 names, a big value and 600
subkeys, for regf_oracle.sh to merge into an empty hive with hivexregedit and compare
our reader with hivexml on a hive written by hivex itself.
    typed_reg.py OUT.reg"""
import sys

P = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Miner'
big = ','.join('%02x' % (i % 251) for i in range(20000))
lines = [
    'Windows Registry Editor Version 5.00', '',
    '[HKEY_LOCAL_MACHINE\\SOFTWARE]', '',
    '[' + P + ']',
    '@="default text"',
    '"Dword"=dword:0000beef',
    '"Neg"=dword:ffffffff',
    '"Qword"=hex(b):01,00,00,00,00,00,00,80',
    '"ShortQ"=hex(b):01,02',
    '"Multi"=hex(7):61,00,00,00,62,00,62,00,00,00,00,00',
    '"Expand"=hex(2):25,00,54,00,45,00,4d,00,50,00,25,00,00,00',
    '"Bin"=hex:01,02,03',
    '"None"=hex(0):',
    '"BE"=hex(5):00,00,01,02',
    '"Link"=hex(6):5c,00,52,00,00,00',
    '"Short"=hex(4):01,02',
    '"Res"=hex(8):01,02,03,04,05',
    '"Odd"=hex(1):41,00,42',
    '"Type99"=hex(63):ff',
    '"Big"=hex:' + big,
    '"Имя ключа"="значение"',
    '"ÉTÉ"="Latin-1"',
    '',
    '[' + P + '\\Many]', '',
]
for i in range(600):
    lines += ['[%s\\Many\\k%03d]' % (P, i), '"n"=dword:%08x' % i, '']
lines += ['[' + P + '\\Ключ]', '"x"="y"', '']
with open(sys.argv[1], 'w', encoding='utf-8') as f:
    f.write('\n'.join(lines))
