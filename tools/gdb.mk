# tools/gdb.mk - GDB helpers (included by the Makefile through tools/*.mk).
#
#   make gdbcheck   run the GDB tour (docs/gdb-tour.md) as a test: QEMU boots
#                   /bin/cowdemo paused, GDB in batch mode follows one fork and
#                   one COW fault with ptwalk/vmmap/ps/pframe/cow-stats; then
#                   a second boot, /bin/sharefork: a MAP_SHARED page and a
#                   MAP_PRIVATE one across fork (the tour's section 8)
#   make docs       regenerate the figures in docs/ from docs/figures/figures.py
#
# `make test` runs the same check after the kernel tests (tools/test.sh reads
# GDBCHECK_BUILD), counting each of its checks as one test.

.PHONY: gdbcheck docs

GDBCHECK_CMDLINE := init=/bin/cowdemo
GDBCHECK_SHARED_CMDLINE := init=/bin/sharefork

# Explicit rules, so the Makefile's $(B)/%.cmdline pattern does not apply.
$(B)/gdbcheck.cmdline: FORCE
	@mkdir -p $(B)
	@echo '$(GDBCHECK_CMDLINE)' | cmp -s - $@ || echo '$(GDBCHECK_CMDLINE)' > $@
$(B)/gdbcheck-shared.cmdline: FORCE
	@mkdir -p $(B)
	@echo '$(GDBCHECK_SHARED_CMDLINE)' | cmp -s - $@ || echo '$(GDBCHECK_SHARED_CMDLINE)' > $@

$(B)/cowos-gdbcheck.iso: $(B)/kernel.elf $(INITRD) $(B)/gdbcheck.cmdline iso/grub.cfg.in | deps
	$(call make_iso,gdbcheck,$@)
$(B)/cowos-gdbcheck-shared.iso: $(B)/kernel.elf $(INITRD) $(B)/gdbcheck-shared.cmdline iso/grub.cfg.in | deps
	$(call make_iso,gdbcheck-shared,$@)
GDBCHECK_ISOS := $(B)/cowos-gdbcheck.iso $(B)/cowos-gdbcheck-shared.iso

# GDBPORT reaches the check only from make's command line (an exported one
# is probably serving a `make debug`); empty means: find a free port.
GDBCHECK_PORT := $(if $(filter command line,$(origin GDBPORT)),$(GDBPORT))

gdbcheck: deps $(GDBCHECK_ISOS) $(USER_PROGS)
	@GDBPORT=$(GDBCHECK_PORT) sh tools/gdbcheck.sh $(B)

# make test: build the check's image too and tell tools/test.sh where it is
# (not for a filtered run, make test KTEST=... or UTEST=...).
ifeq ($(TEST_FILTERED),)
test: $(GDBCHECK_ISOS) $(USER_PROGS)
test: export GDBCHECK_BUILD := $(B)
test: export GDBPORT := $(GDBCHECK_PORT)
endif

docs:
	@sh docs/figures/make-figures.sh
