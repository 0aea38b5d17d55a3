# cowos - a teaching kernel for fork() with copy-on-write.
#
#   make              build build/kernel.elf and build/cowos.iso
#   make run          boot it in QEMU (serial on this terminal; Ctrl-A X quits)
#   make test         boot the test kernel headless; last line "N passed, N failed"
#   make debug / gdb  QEMU paused with its GDB stub / attach GDB to it
#   make bench        fork and COW costs under -icount, COW vs fork=copy (tools/bench.mk)
#   make gdbcheck     the scripted GDB session alone; make docs: the figures (tools/gdb.mk)
#   make fuzz         a long system-call fuzzing run (tools/fuzz.mk)
#
# Variables: CC (gcc, clang, or x86_64-elf-gcc when on PATH), MEM (QEMU RAM,
# default 128M), CPUS (virtual CPUs, 1 to 8, default 2), ACCEL=kvm (opt-in; TCG otherwise), QEMUFLAGS (extra QEMU
# arguments), CMDLINE (extra kernel command-line words), GDBPORT (1234),
# INIT=/bin/NAME and ARGS="..." (run one program as pid 1; QEMU ends with it).

ifeq ($(origin CC),default)
CC := $(shell command -v x86_64-elf-gcc >/dev/null 2>&1 && echo x86_64-elf-gcc || echo gcc)
endif
LD := $(shell command -v x86_64-elf-ld >/dev/null 2>&1 && echo x86_64-elf-ld || echo ld)
NM := $(shell command -v x86_64-elf-nm >/dev/null 2>&1 && echo x86_64-elf-nm || echo nm)

B := build
MEM ?= 128M
GDBPORT ?= 1234
TEST_TIMEOUT ?= 420
CMDLINE ?=

IS_CLANG := $(shell $(CC) --version 2>/dev/null | grep -qi clang && echo 1)

OPT ?= -O2
CFLAGS_COMMON := -std=gnu11 $(OPT) -g -I. -Wall -Wextra -Werror \
	-ffreestanding -nostdlib -fno-builtin -mno-red-zone -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-optimize-sibling-calls -fno-asynchronous-unwind-tables \
	-fno-common -MMD -MP
ifeq ($(IS_CLANG),1)
KCFLAGS := $(CFLAGS_COMMON) --target=x86_64-unknown-none-elf -mcmodel=kernel \
	-mno-sse -mno-sse2 -mno-mmx -mno-80387 -mgeneral-regs-only
else
KCFLAGS := $(CFLAGS_COMMON) -mcmodel=kernel -mgeneral-regs-only
endif
KASFLAGS := -I. -g -D__ASSEMBLER__ -MMD -MP $(if $(IS_CLANG),--target=x86_64-unknown-none-elf)
LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack -T linker.ld

KSRC := $(wildcard boot/*.S) $(wildcard kernel/*.c kernel/*.S kernel/dev/*.c kernel/dev/*.S) \
	$(wildcard kernel/fs/*.c) $(wildcard mm/*.c) \
	$(wildcard proc/*.c proc/*.S) $(wildcard tests/kernel/*.c)
KOBJ := $(patsubst %,$(B)/%.o,$(basename $(KSRC)))

.PHONY: all run test debug gdb clean deps FORCE
all: $(B)/cowos.iso

# User programs, tests and the initrd (user/user.mk defines INITRD).
include user/user.mk

# Quiet by default; `make V=1` shows every command.
Q := $(if $(V),,@)

# A fresh machine gets its compiler and tools before the first object is built.
$(KOBJ): | deps

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(B)/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# Two links: the first without function names, then names taken from it with
# nm are placed in .ksyms (after .text, so no function moves) for backtraces.
$(B)/ksyms0.S:
	@mkdir -p $(B)
	$(Q)sh tools/mksyms.sh /dev/null > $@
$(B)/ksyms0.o $(B)/ksyms.o: $(B)/%.o: $(B)/%.S
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@
$(B)/kernel.pass1.elf: $(KOBJ) $(B)/ksyms0.o linker.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(LDFLAGS) -o $@ $(KOBJ) $(B)/ksyms0.o
$(B)/ksyms.S: $(B)/kernel.pass1.elf tools/mksyms.sh
	$(Q)$(NM) -n $< | sh tools/mksyms.sh - > $@
$(B)/kernel.elf: $(KOBJ) $(B)/ksyms.o linker.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(LDFLAGS) -o $@ $(KOBJ) $(B)/ksyms.o
	@$(NM) -n $(B)/kernel.pass1.elf | grep -i ' t ' > $(B)/syms1.txt
	@$(NM) -n $@ | grep -i ' t ' | grep -v ksym > $(B)/syms2.txt
	@grep -v ksym $(B)/syms1.txt | cmp -s - $(B)/syms2.txt || \
		{ echo "error: function addresses moved between the two links"; exit 1; }

# The ISO: one image per kernel command line. grub.cfg comes from iso/grub.cfg.in.
# $(B)/NAME.cmdline (NAME = run, test, crash, overflow, copydemos or smp) is rewritten
# only when it changes; tools/cmdline.sh builds it from the variables below
# (raw: ARGS='a "b c"' is two arguments, as a shell splits them) and refuses
# mistakes (an unknown FORK, an INIT not in the initrd, bytes GRUB cannot carry).
# make run INIT=/bin/NAME ARGS="a b" boots straight into that program as pid 1;
# FORK=copy selects the eager-copy fork; COWTRACE=1 traces every COW fault.
# make test KTEST=PREFIX / UTEST=NAME runs only those kernel / user tests.
$(B)/%.cmdline: export COWOS_CMDLINE = $(value CMDLINE)
$(B)/%.cmdline: export COWOS_ARGS = $(value ARGS)
$(B)/%.cmdline: export COWOS_INIT = $(INIT)
$(B)/%.cmdline: export COWOS_FORK = $(FORK)
$(B)/%.cmdline: export COWOS_COWTRACE = $(COWTRACE)
$(B)/%.cmdline: export COWOS_KTEST = $(KTEST)
$(B)/%.cmdline: export COWOS_UTEST = $(UTEST)
$(B)/%.cmdline: FORCE
	@mkdir -p $(B)
	@sh tools/cmdline.sh $* > $@.new || { rm -f $@.new; exit 1; }
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

# make_iso NAME ISO [INITRD]: the initrd is $(INITRD) unless a third is given.
define make_iso
	@rm -rf $(B)/iso-$(1) && mkdir -p $(B)/iso-$(1)/boot/grub
	@$(if $(Q),echo "  ISO     $(2)")
	$(Q)cp $(B)/kernel.elf $(B)/iso-$(1)/boot/kernel.elf
	$(Q)cp $(or $(3),$(INITRD)) $(B)/iso-$(1)/boot/initrd.tar
	$(Q)sh tools/cmdline.sh grubcfg iso/grub.cfg.in $(B)/$(1).cmdline > $(B)/iso-$(1)/boot/grub/grub.cfg
	$(Q)grub-mkrescue -o $(2) $(B)/iso-$(1) > $(B)/grub-mkrescue-$(1).log 2>&1 || \
		{ cat $(B)/grub-mkrescue-$(1).log; exit 1; }
endef

# The command line comes first: a mistake in it stops make before any compiling.
$(B)/cowos.iso: $(B)/run.cmdline $(B)/kernel.elf $(INITRD) iso/grub.cfg.in | deps
	$(call make_iso,run,$@)
$(B)/cowos-test.iso: $(B)/test.cmdline $(B)/kernel.elf $(INITRD) iso/grub.cfg.in | deps
	$(call make_iso,test,$@)
# The panic check's image: the kernel faults on purpose and must panic cleanly.
$(B)/cowos-crash.iso: $(B)/crash.cmdline $(B)/kernel.elf $(INITRD) iso/grub.cfg.in | deps
	$(call make_iso,crash,$@)
# The stack-overflow check's image: the kernel overflows its stack on purpose.
$(B)/cowos-overflow.iso: $(B)/overflow.cmdline $(B)/kernel.elf $(INITRD) iso/grub.cfg.in | deps
	$(call make_iso,overflow,$@)
# The demos again under fork=copy (only demos_test, no kernel tests).
$(B)/cowos-copydemos.iso: $(B)/copydemos.cmdline $(B)/kernel.elf $(INITRD) iso/grub.cfg.in | deps
	$(call make_iso,copydemos,$@)
# The kernel's SMP tests alone, booted with 4 CPUs whatever CPUS says.
$(B)/cowos-smp.iso: $(B)/smp.cmdline $(B)/kernel.elf $(INITRD) iso/grub.cfg.in | deps
	$(call make_iso,smp,$@)
# Boots that must be refused with one line and the failure status.
$(B)/cowos-badinit.iso: $(B)/badinit.cmdline $(B)/kernel.elf $(INITRD) iso/grub.cfg.in | deps
	$(call make_iso,badinit,$@)
# The too-little-memory check's image: the kernel must refuse 4 MiB itself,
# so GRUB has to fit it (and a tiny initrd) into that first.
$(B)/cowos-smallmem.iso: $(B)/badinit.cmdline $(B)/kernel.elf $(INITRD_SMALL) iso/grub.cfg.in | deps
	@cp $(B)/badinit.cmdline $(B)/smallmem.cmdline
	$(call make_iso,smallmem,$@,$(INITRD_SMALL))
$(B)/cowos-badopt.iso: $(B)/badopt.cmdline $(B)/kernel.elf $(INITRD) iso/grub.cfg.in | deps
	$(call make_iso,badopt,$@)

deps:
	@CC="$(CC)" sh tools/deps.sh

# CPUS: the virtual CPUs QEMU gives the machine (-smp). The kernel starts
# every one it finds (kernel/smp.c); it supports at most CPU_MAX (8, kernel/cpu.h).
CPUS ?= 2
CPUS_VALID := 1 2 3 4 5 6 7 8
ifneq ($(words $(CPUS)),1)
$(error CPUS=$(CPUS): give one number of virtual CPUs, from 1 to 8)
endif
ifeq ($(filter $(CPUS_VALID),$(CPUS)),)
$(error CPUS=$(CPUS): the number of virtual CPUs must be from 1 to 8)
endif

# TCG with one host thread per virtual CPU (thread=multi), so that 2 virtual
# CPUs really run at once on 2 host cores. (-icount forces a single thread:
# make bench boots one CPU, see tools/bench.mk; ICOUNT=1 runs the CPUs in
# one thread, taking turns.)
ifeq ($(ACCEL),kvm)
ifneq ($(ICOUNT),)
$(error ICOUNT=$(ICOUNT): -icount needs TCG; drop ACCEL=kvm or ICOUNT)
endif
QEMU_ACCEL := -accel kvm -cpu host
else
QEMU_ACCEL := -accel tcg,thread=$(if $(ICOUNT),single,multi) -cpu qemu64,+smep,+smap
endif
QEMU_BASE := qemu-system-x86_64 $(QEMU_ACCEL) -smp $(CPUS) -m $(MEM) -no-reboot -boot d \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
export QEMU_BASE QEMUFLAGS TEST_TIMEOUT CPUS

# deps comes first so that a fresh machine gets its compiler before anything is built.
run: deps $(B)/cowos.iso
	@sh tools/memcheck.sh "$(MEM)" $(INITRD)
	@RUN_EOF=1 sh tools/run.sh $(B)/cowos.iso

# KTEST=PREFIX or UTEST=NAME (or ktest=/utest= in CMDLINE) runs just those
# tests: the other boots and checks are left out, the last line is still the tally.
TEST_FILTERED := $(strip $(KTEST)$(UTEST)$(filter ktest=% utest=%,$(CMDLINE)))
TEST_EXTRA_ISOS := $(if $(TEST_FILTERED),,$(B)/cowos-crash.iso $(B)/cowos-overflow.iso \
	$(B)/cowos-copydemos.iso $(B)/cowos-smp.iso $(B)/cowos-badinit.iso $(B)/cowos-badopt.iso \
	$(B)/cowos-smallmem.iso $(B)/cowos.iso)
TEST_CHECKS := $(if $(TEST_FILTERED),,HOSTCHECK="$(MAKE) -s -f user/user.mk B=$(B) hostcheck" \
	CMDLINECHECK="sh tools/cmdline-test.sh" \
	CONSOLECHECK="sh tools/console-test.sh $(B)/cowos.iso $(B)/console.log" \
	OVERFLOW_ISO=$(B)/cowos-overflow.iso OVERFLOW_LOG=$(B)/overflow.log \
	COPYDEMOS_ISO=$(B)/cowos-copydemos.iso COPYDEMOS_LOG=$(B)/copydemos.log \
	SMP_ISO=$(B)/cowos-smp.iso SMP_LOG=$(B)/smp4.log \
	REFUSE_BUILD=$(B))
test: deps $(B)/cowos-test.iso $(TEST_EXTRA_ISOS)
	@$(TEST_CHECKS) sh tools/test.sh $(B)/cowos-test.iso $(B)/test.log \
		$(if $(TEST_FILTERED),,$(B)/cowos-crash.iso $(B)/crash.log)

debug: deps $(B)/cowos.iso
	@echo "QEMU paused with its GDB stub on port $(GDBPORT); run 'make gdb' in another terminal."
	@sh tools/run.sh $(B)/cowos.iso -S -gdb tcp::$(GDBPORT)

gdb: $(B)/kernel.elf
	@command -v gdb >/dev/null 2>&1 || { echo "make gdb: gdb is not installed (apt-get install gdb)"; exit 1; }
	gdb -q -x tools/gdbinit -ex 'target remote localhost:$(GDBPORT)' \
		-ex 'hbreak kmain' -ex 'continue' $(B)/kernel.elf

clean:
	rm -rf $(B)

FORCE:

# Feature fragments (benchmarks, fuzzing, GDB checks) each add their own targets.
include $(wildcard tools/*.mk)

-include $(KOBJ:.o=.d)
