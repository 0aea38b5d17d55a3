# tools/bench.mk - make bench / make bench-host: what fork costs in each fork
# mode (shared page tables, per-page COW, fork=copy; and Linux), what
# starting a program costs (fork+exec, vfork+exec, posix_spawn), and what
# exec costs against the size of the program started, measured by
# /bin/forkbench under QEMU's -icount so the figures repeat exactly. Results
# go to bench/ (git ignores it); tools/bench.sh does the work. Included by
# the top-level Makefile.
#
#   make bench        the three kernel modes: tables, bench/results.csv and exec.csv, bench/fork-cycles.png;
#                     then make bench-smp
#   make bench-smp    several CPUs: workers and psum on 1 and 2 CPUs (wall time), fork latency
#                     on 1 and 2 CPUs and one TLB shootdown's cost (-icount), bench/smp.txt
#   make bench-host   the same program on this Linux, added to the tables and plot
#
# Variables: BENCH_SIZES (MiB resident, default 1 4 16 64 256 1024), MEM
# (default 3G here: fork=copy of 1 GiB needs twice that free; smaller MEMs
# skip the sizes that do not fit), BENCH_TIMEOUT (s per boot).

BENCH_SIZES ?= 1 4 16 64 256 1024
BENCH_TIMEOUT ?= 900
BENCH_B := $(B)-bench
BENCH_MEM := $(if $(filter command line environment,$(origin MEM)),$(MEM),3G)
# The run target's QEMU with more memory; the guest clock counts instructions
# (shift=0: one per nanosecond) and jumps ahead when the guest idles
# (sleep=off), so nothing depends on the host's speed; the CD comes first in
# the boot order (SeaBIOS's floppy probe waits seconds of guest time, which
# take much longer under -icount).
# One virtual CPU, whatever CPUS says: -icount runs TCG in a single thread,
# so several virtual CPUs would only take turns on one host core.
BENCH_QEMU := $(subst -smp $(CPUS) ,-smp 1 ,$(subst thread=multi,thread=single,$(subst -m $(MEM) ,-m $(BENCH_MEM) ,$(QEMU_BASE)))) -icount shift=0,sleep=off -boot d

# make run ICOUNT=1 (or test, readme...): the benchmark's clock for any boot,
# so that a demo's rdtsc cycles count guest instructions and repeat exactly
# (spawnrace's README output is made this way).
ifneq ($(ICOUNT),)
override QEMUFLAGS += -icount shift=0,sleep=off
endif

.PHONY: bench bench-host bench-smp
bench: deps
ifeq ($(ACCEL),kvm)
	@echo "bench: -icount needs TCG; run make bench without ACCEL=kvm"; exit 1
endif
	@MAKE="$(MAKE)" BENCH_B="$(BENCH_B)" BENCH_QEMU="$(BENCH_QEMU)" \
		BENCH_SIZES="$(BENCH_SIZES)" BENCH_TIMEOUT="$(BENCH_TIMEOUT)" sh tools/bench.sh guest
	@$(MAKE) --no-print-directory bench-smp

# Several CPUs: its own images (INIT differs), in a build directory of its own.
bench-smp: deps
ifeq ($(ACCEL),kvm)
	@echo "bench-smp: -icount needs TCG; run make bench-smp without ACCEL=kvm"; exit 1
endif
	@MAKE="$(MAKE)" BENCH_SMP_B="$(B)-bench-smp" BENCH_TIMEOUT="$(BENCH_TIMEOUT)" \
		QEMU_BASE="$(subst -m $(MEM) ,-m 512M ,$(QEMU_BASE))" sh tools/bench-smp.sh

bench-host:
	@BENCH_SIZES="$(BENCH_SIZES)" HOSTCC="$(HOSTCC)" sh tools/bench.sh host
