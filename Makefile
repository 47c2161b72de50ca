# minetrace - build, set-up and tests. `make scan` and `make test` are the two commands
# of README.md: each installs what is missing on a Debian machine first.

CC      ?= cc
WERROR  ?= -Werror
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
           -Wformat=2 -Wno-format-nonliteral $(WERROR)
CPPFLAGS += -std=c11 -D_GNU_SOURCE -Iinclude -Isrc/lib -I/usr/include/postgresql
B       ?= build
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# Parts that need a shared library Debian ships no static build of (libpcap, libpq), or
# whose static build drags a long chain in (libyara: libmagic, libjansson, libcrypto;
# libarchive: libxml2, libnettle, libacl):
# NAME_dyn.c is the real one, linked into the normal binary with LIBS; NAME_stub.c answers
# MT_ERR_UNSUPPORTED and goes into the static binary, which stays one self-contained file.
DYN_SRC  := $(wildcard src/lib/*/*_dyn.c)
STUB_SRC := $(wildcard src/lib/*/*_stub.c)
LIB_SRC := $(filter-out $(DYN_SRC) $(STUB_SRC),$(wildcard src/lib/*.c src/lib/*/*.c src/lib/*/*/*.c))
LIBS    ?= -lpcap -lyara -larchive -lcrypto -lsqlite3 -lz -llzma -llz4 -lzstd -pthread -ldl
# libraries both binaries link: Debian ships libsqlite3.a, libz.a and the .a files of the
# journal's compressors (liblzma, liblz4, libzstd), so the static one keeps them
STATIC_LIBS ?= -lsqlite3 -lz -llzma -llz4 -lzstd -lm -pthread
CLI_SRC := $(wildcard src/cli/*.c)
RULES   := $(sort $(wildcard rules/*.rules rules/*.yar))
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o) $(B)/gen/rules_builtin.o
DYN_OBJ := $(DYN_SRC:%.c=$(B)/%.o)
STUB_OBJ := $(STUB_SRC:%.c=$(B)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

.PHONY: all deps deps-test scan test check unit scenario cli respond timeline journal pcap html fleet collect content static static-test live asan fuzz fuzz-build \
        format format-check clean windows regf-oracle evtx-oracle

all: $(B)/minetrace

# ---- set-up: install the Debian packages that are missing ----
deps:
	@sh tools/deps.sh build
deps-test:
	@sh tools/deps.sh test

scan: deps
	@$(MAKE) --no-print-directory all
	$(B)/minetrace scan; st=$$?; [ $$st -le 1 ] || exit $$st; \
	  echo "minetrace scan exited $$st (0 clean, 1 findings at or above medium)"

test: deps-test
	@$(MAKE) --no-print-directory check

# the whole suite, without the set-up step
check: all unit scenario cli respond timeline journal pcap windows html fleet collect content static-test live

cli: $(B)/minetrace
	@MINETRACE=$(B)/minetrace sh tests/cli/cli.sh

# the evidence bundle: GNU tar and bsdtar read it, --verify, access times kept
collect: $(B)/minetrace
	@MINETRACE=$(B)/minetrace sh tests/collect/run.sh

# scan --content (every file by content, YARA, archives, containers, shares) on planted
# trees with defenders' files and a checkout beside them
content: $(B)/minetrace
	@MINETRACE=$(B)/minetrace sh tests/content/run.sh

# many hosts' reports in one database: the spread and patient zero (SQLite and PostgreSQL);
# its HTML page in headless chromium (graph, strips, tables); fleet scan over real sshds
fleet: $(B)/minetrace
	@MINETRACE=$(B)/minetrace sh tests/fleet/run.sh
	@MINETRACE=$(B)/minetrace sh tests/fleet/html.sh
	@MINETRACE=$(B)/minetrace sh tests/fleet/pg.sh
	@MINETRACE=$(B)/minetrace sh tests/fleet/sshd.sh

# the HTML report in a real browser (headless chromium): verdict, incidents, time axis
html: $(B)/minetrace
	@MINETRACE=$(B)/minetrace sh tests/html/browser.sh

# respond and restore on scratch trees (edits, quarantine, restore, crash, hostile reports)
respond: $(B)/minetrace
	@MINETRACE=$(B)/minetrace sh tests/respond/seed.sh
	@MINETRACE=$(B)/minetrace sh tests/respond/scenarios.sh
	@MINETRACE=$(B)/minetrace sh tests/respond/hostile.sh
	@MINETRACE=$(B)/minetrace sh tests/respond/gaps.sh
	@MINETRACE=$(B)/minetrace sh tests/respond/windows.sh
	@python3 tests/respond/notes.py

# logs, the timeline and its conclusion on planted roots (tests/timeline/*/), with the
# static binary too (the journal cases included) unless TIMELINE_STATIC is empty, as
# under the sanitizers
TIMELINE_STATIC ?= $(B)/minetrace-static
timeline: $(B)/minetrace $(TIMELINE_STATIC)
	@MINETRACE=$(B)/minetrace MINETRACE_STATIC=$(or $(TIMELINE_STATIC),/nonexistent) \
	  TIMELINE_STATIC=$(if $(TIMELINE_STATIC),1,0) sh tests/timeline/run.sh

# minetrace pcap on the real captures (libpcap and our own reader; the static binary too
# unless PCAP_STATIC is empty, as under the sanitizers, where no static build exists)
PCAP_STATIC ?= $(B)/minetrace-static
pcap: $(B)/minetrace $(PCAP_STATIC)
	@MINETRACE=$(B)/minetrace MINETRACE_STATIC=$(or $(PCAP_STATIC),/nonexistent) sh tests/pcap/run.sh
	@MINETRACE=$(B)/minetrace sh tests/pcap/hostile.sh

# tests on the live root, each in namespaces of its own (needs root and unshare)
live: $(B)/minetrace
	@MINETRACE=$(B)/minetrace sh tests/live/clean.sh
	@MINETRACE=$(B)/minetrace sh tests/live/cron-live.sh
	@MINETRACE=$(B)/minetrace sh tests/live/noise-live.sh
	@MINETRACE=$(B)/minetrace sh tests/live/xmrig.sh
	@MINETRACE=$(B)/minetrace sh tests/live/pcap-xmrig.sh
	@MINETRACE=$(B)/minetrace sh tests/live/triage.sh
	@MINETRACE=$(B)/minetrace sh tests/live/immutable.sh
	@MINETRACE=$(B)/minetrace sh tests/live/memfd.sh
	@MINETRACE=$(B)/minetrace sh tests/live/content-memory.sh
	@MINETRACE=$(B)/minetrace sh tests/live/tamper-ctime.sh
	@MINETRACE=$(B)/minetrace sh tests/live/respond-xmrig.sh
	@MINETRACE=$(B)/minetrace sh tests/live/respond-immutable.sh
	@MINETRACE=$(B)/minetrace sh tests/live/respond-pid.sh
	@MINETRACE=$(B)/minetrace sh tests/live/respond-parent.sh
	@MINETRACE=$(B)/minetrace sh tests/live/respond-firewall.sh
	@MINETRACE=$(B)/minetrace sh tests/live/respond-identity.sh
	@MINETRACE=$(B)/minetrace sh tests/live/respond-iptables.sh
	@MINETRACE=$(B)/minetrace sh tests/live/timeline-live.sh
	@MINETRACE=$(B)/minetrace sh tests/live/timeline-stomp.sh
	@MINETRACE=$(B)/minetrace sh tests/live/debroot.sh

# ---- build ----
$(B)/%.o: %.c $(wildcard include/minetrace/*.h src/lib/*.h src/lib/*/*.h src/lib/*/*/*.h src/lib/checks/*.def src/cli/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c $< -o $@

$(B)/tools/embed-rules: tools/embed-rules.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $< -o $@

$(B)/gen/rules_builtin.c: $(RULES) $(B)/tools/embed-rules
	@mkdir -p $(dir $@)
	$(B)/tools/embed-rules $@ $(RULES)

$(B)/gen/rules_builtin.o: $(B)/gen/rules_builtin.c
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/libminetrace.a: $(LIB_OBJ) $(DYN_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/libminetrace-static.a: $(LIB_OBJ) $(STUB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/minetrace: $(CLI_OBJ) $(B)/libminetrace.a
	$(CC) $(CFLAGS) $(LDFLAGS) $(CLI_OBJ) $(B)/libminetrace.a $(LIBS) -o $@

# One self-contained binary for a suspect host: no libc or library of the host loaded.
static: $(B)/minetrace-static
$(B)/minetrace-static: $(CLI_OBJ) $(B)/libminetrace-static.a
	$(CC) $(CFLAGS) -static $(CLI_OBJ) $(B)/libminetrace-static.a $(STATIC_LIBS) -o $@

# ---- tests ----
$(B)/tests/%: tests/unit/%.c tests/unit/t.h $(B)/libminetrace.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(WARN) -Wno-missing-prototypes $< \
	  $(B)/libminetrace.a $(LIBS) -o $@

# the test hook of the journal reader (tests/journal/jdump.c)
$(B)/tests/jdump: tests/journal/jdump.c $(B)/libminetrace.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $< $(B)/libminetrace.a $(LIBS) -o $@

# our journal reader against journalctl on journal files written by systemd, and on
# hostile ones (tests/journal/)
journal: $(B)/minetrace $(B)/tests/jdump
	@JDUMP=$(B)/tests/jdump MINETRACE=$(B)/minetrace sh tests/journal/run.sh

# benign PE files built with mingw-w64 for test_pe (tests/windows/mkpe.sh)
$(B)/pe-fixtures/hello.exe: tests/windows/mkpe.sh
	@sh tests/windows/mkpe.sh $(B)/pe-fixtures
unit: $(UNIT_BIN) $(B)/pe-fixtures/hello.exe
	@for t in $(UNIT_BIN); do echo "== $$t"; PE_FIXTURES=$(B)/pe-fixtures $$t || exit 1; done
	@echo "== $(B)/tests/test_hash (the portable SHA-256 rounds, no SHA-NI)"; \
	  MINETRACE_NO_SHA_NI=1 $(B)/tests/test_hash

scenario: $(B)/minetrace
	@MINETRACE=$(B)/minetrace sh tests/scenario/run.sh

static-test: $(B)/minetrace-static
	@MINETRACE_STATIC=$(B)/minetrace-static sh tests/live/static.sh

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	@$(MAKE) --no-print-directory B=build-asan CC=clang \
	  CFLAGS="-O1 -g $(SANFLAGS)" LDFLAGS="$(SANFLAGS)" PCAP_STATIC= TIMELINE_STATIC= \
	  all unit scenario cli respond timeline journal pcap windows html fleet collect content live

# ---- fuzzing (libFuzzer) ----
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_SECONDS ?= 30
build-fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(DYN_SRC)
	@$(MAKE) --no-print-directory B=build-fuzz CC=clang \
	  CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
	  build-fuzz/libminetrace.a
	clang $(CPPFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined $< build-fuzz/libminetrace.a $(LIBS) -o $@
fuzz-build: $(FUZZ_BIN)
fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p build-fuzz/corpus/$$n; \
	  seeds=; if [ -f tests/fuzz/seed_$$n.sh ]; then seeds=build-fuzz/seed/$$n; \
	    sh tests/fuzz/seed_$$n.sh $$seeds || exit 1; fi; \
	  echo "== $$n for $(FUZZ_SECONDS)s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 build-fuzz/corpus/$$n \
	    tests/fuzz/corpus/$$n $$seeds || exit 1; done

FORMAT_SRC = $(LIB_SRC) $(DYN_SRC) $(STUB_SRC) $(CLI_SRC) \
  $(wildcard src/lib/*.h src/lib/*/*.h src/lib/*/*/*.h src/cli/*.h include/minetrace/*.h)
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	@clang-format --dry-run -Werror $(FORMAT_SRC) && echo "format-check: clean"

clean:
	rm -rf build build-asan build-fuzz

# ---- Windows readers against their Debian oracles (tests/windows/) ----
# regfdump and evtxdump are the test hooks of our hive and event log readers; the scripts
# compare them with hivexml on every hive and with evtxexport on every event log of the
# shared test data.
$(B)/tests/%dump: tests/windows/%dump.c $(B)/libminetrace.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $< $(B)/libminetrace.a $(LIBS) -o $@
regf-oracle: $(B)/tests/regfdump
	@REGFDUMP=$(B)/tests/regfdump sh tests/windows/regf_oracle.sh
evtx-oracle: $(B)/tests/evtxdump
	@EVTXDUMP=$(B)/tests/evtxdump sh tests/windows/evtx_oracle.sh
windows: regf-oracle evtx-oracle
