# user/user.mk - building the user side: the C library, the programs, the
# user tests and the initrd that carries them. Included by the top-level
# Makefile (after B and CC are set), or used on its own:
#
#   make -f user/user.mk [B=build] [CC=gcc|clang]   library, programs, tests, initrd
#   make -f user/user.mk hostcheck                  library unit tests on the host
#
# Outputs: $(B)/user/lib/libc.a and crt0.o; user/bin/NAME.c -> $(B)/user/bin/NAME;
# tests/user/NAME.c -> $(B)/user/tests/NAME; $(INITRD) = $(B)/initrd.tar holding
# bin/NAME and tests/NAME (ustar, byte-for-byte reproducible).
# Adding a program is dropping a C file into user/bin (a test into tests/user).

# Standalone use gets its own defaults; included, the caller's B and CC win.
USER_MK_SAVED_GOAL := $(.DEFAULT_GOAL)
USER_MK_STANDALONE := $(if $(filter 1,$(words $(MAKEFILE_LIST))),1)
B ?= build
ifeq ($(origin CC),default)
CC := gcc
endif
HOSTCC ?= gcc
USER_OBJCOPY := $(shell command -v x86_64-elf-objcopy >/dev/null 2>&1 && echo x86_64-elf-objcopy || echo objcopy)
USER_AR := $(shell command -v x86_64-elf-ar >/dev/null 2>&1 && echo x86_64-elf-ar || echo ar)

USER_IS_CLANG := $(shell $(CC) --version 2>/dev/null | grep -qi clang && echo 1)
# clang targets bare ELF (links with ld.lld); gcc is the host's x86-64 gcc or
# x86_64-elf-gcc. Either way the Linux macros are removed and __cowos__ is
# defined, so programs can tell which system they are built for.
USER_TARGET := $(if $(USER_IS_CLANG),--target=x86_64-unknown-none-elf)
USER_DEFS := -D__cowos__=1 -U__linux__ -U__linux -Ulinux -U__gnu_linux__

# Programs are compiled as hosted C (no -ffreestanding) so the compiler keeps
# its builtins: memcpy and friends are inlined, printf("x\n") may become
# puts("x"). The library itself is -ffreestanding (which implies -fno-builtin)
# and, with gcc, -fno-tree-loop-distribute-patterns, so that memset's own
# loop cannot be turned into a call to memset.
# The compiler's own freestanding headers (stdatomic.h, float.h, stdalign.h,
# the intrinsics) come after ours: -idirafter, so none shadows user/include.
USER_CC_INCLUDE := $(shell $(CC) $(USER_TARGET) -print-file-name=include 2>/dev/null)
USER_CFLAGS := $(USER_TARGET) -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-nostdinc -isystem user/include $(if $(USER_CC_INCLUDE),-idirafter $(USER_CC_INCLUDE)) $(USER_DEFS) \
	-fno-pie -fno-stack-protector -fno-omit-frame-pointer -fno-common -MD -MP
# (-MD, not -MMD: the headers come through -isystem, and a program must be
# rebuilt when one changes, kernel/sysnum.h's structures above all.)
# Programs in user/bin stop at a warning too, unless USER_WERROR is emptied
# (make USER_WERROR=): then they are shown and the build goes on. The library
# and the tests always keep -Werror.
USER_WERROR ?= -Werror
USER_PROG_CFLAGS := $(filter-out -Werror,$(USER_CFLAGS)) $(USER_WERROR)
USER_LIB_CFLAGS := $(USER_CFLAGS) -ffreestanding -I. \
	$(if $(USER_IS_CLANG),,-fno-tree-loop-distribute-patterns)
USER_ASFLAGS := $(USER_TARGET) -g -D__ASSEMBLER__ -MMD -MP
USER_LDFLAGS := $(USER_TARGET) -nostdlib -static $(if $(USER_IS_CLANG),,-no-pie) -T user/user.ld \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--build-id=none \
	$(if $(USER_IS_CLANG),-fuse-ld=lld)
# Compiler helper routines (e.g. 128-bit division), when the compiler has them.
USER_LIBGCC := $(if $(USER_IS_CLANG),,$(wildcard $(shell $(CC) -print-libgcc-file-name 2>/dev/null)))

USER_B := $(B)/user
USER_LIB_OBJS := $(patsubst user/lib/%.c,$(USER_B)/lib/%.o,$(wildcard user/lib/*.c))
# Library routines in assembly (all but crt0, which is linked first on its own).
USER_LIB_ASM_OBJS := $(patsubst user/lib/%.S,$(USER_B)/lib/%.o,$(filter-out user/lib/crt0.S,$(wildcard user/lib/*.S)))
USER_CRT0 := $(USER_B)/lib/crt0.o
USER_LIBC := $(USER_B)/lib/libc.a
USER_PROG_OBJS := $(patsubst user/bin/%.c,$(USER_B)/bin/%.o,$(wildcard user/bin/*.c))
USER_TEST_OBJS := $(patsubst tests/user/%.c,$(USER_B)/tests/%.o,$(wildcard tests/user/*.c))
USER_PROGS := $(USER_PROG_OBJS:.o=)
USER_TESTS := $(USER_TEST_OBJS:.o=)
INITRD := $(B)/initrd.tar
# A tiny initrd (bin/true only) for boots that must fit in very little memory.
INITRD_SMALL := $(B)/initrd-small.tar
USER_INITRD_ROOT := $(USER_B)/initrd-root

.PHONY: user initrd hostcheck user-clean

user: $(USER_PROGS) $(USER_TESTS) $(INITRD)
initrd: $(INITRD)

# Everything rebuilds when the flags (or the compiler) change.
USER_FLAGS_FILE := $(USER_B)/flags
USER_FLAGS_NOW := $(CC) | $(USER_CFLAGS) | $(USER_PROG_CFLAGS) | $(USER_LIB_CFLAGS) | $(USER_LDFLAGS) | $(USER_LIBGCC)
$(USER_FLAGS_FILE): FORCE_USER_FLAGS
	@mkdir -p $(dir $@)
	@echo '$(USER_FLAGS_NOW)' | cmp -s - $@ || echo '$(USER_FLAGS_NOW)' > $@
.PHONY: FORCE_USER_FLAGS
FORCE_USER_FLAGS:

$(USER_LIB_OBJS): $(USER_B)/lib/%.o: user/lib/%.c $(USER_FLAGS_FILE)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(USER_LIB_CFLAGS) -c $< -o $@

$(USER_CRT0) $(USER_LIB_ASM_OBJS): $(USER_B)/lib/%.o: user/lib/%.S $(USER_FLAGS_FILE)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(USER_ASFLAGS) -c $< -o $@

$(USER_LIBC): $(USER_LIB_OBJS) $(USER_LIB_ASM_OBJS)
	@rm -f $@
	@$(if $(Q),echo "  AR      $@")
	$(Q)$(USER_AR) rcs $@ $^

$(USER_PROG_OBJS): $(USER_B)/bin/%.o: user/bin/%.c $(USER_FLAGS_FILE)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(USER_PROG_CFLAGS) -c $< -o $@

$(USER_TEST_OBJS): $(USER_B)/tests/%.o: tests/user/%.c $(USER_FLAGS_FILE)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@

$(USER_PROGS) $(USER_TESTS): %: %.o $(USER_CRT0) $(USER_LIBC) user/user.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(USER_LIBC) $(USER_LIBGCC)

# The initrd: programs at bin/NAME, tests at tests/NAME, debug info stripped
# (the unstripped files stay in $(B)/user for gdb). Owner, mode, time and
# order are fixed, so the same inputs give the same bytes.
$(INITRD): $(USER_PROGS) $(USER_TESTS)
	@rm -rf $(USER_INITRD_ROOT)
	@mkdir -p $(USER_INITRD_ROOT)/bin $(USER_INITRD_ROOT)/tests
	@for f in $(USER_PROGS); do \
		$(USER_OBJCOPY) --strip-debug $$f $(USER_INITRD_ROOT)/bin/$${f##*/} || exit 1; done
	@for f in $(USER_TESTS); do \
		$(USER_OBJCOPY) --strip-debug $$f $(USER_INITRD_ROOT)/tests/$${f##*/} || exit 1; done
	@$(if $(Q),echo "  TAR     $@")
	$(Q)tar --format=ustar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
		--mode=go-w,a+rX -C $(USER_INITRD_ROOT) -cf $@ bin tests

# ---- host checks: no kernel needed ----
# 1. The pure-C library files, built as for cowos but with the host compiler
#    and every symbol renamed cw_NAME, linked into a harness that compares
#    them with glibc (tests/user/host/).
# 2. Every program and user test must also compile against glibc's headers
#    (portability: the same source builds for Linux and for cowos). Only the
#    cowos-only headers (cowos.h and the like) come from user/include, after
#    glibc's: -idirafter never lets ours shadow a standard header.
USER_HOST_LIB := string ctype strtol stdlib qsort printf stdio malloc errno
USER_HOST_B := $(USER_B)/host
USER_HOST_OBJS := $(patsubst %,$(USER_HOST_B)/%.cw.o,$(USER_HOST_LIB))
USER_HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -fno-pie -fno-stack-protector \
	-fno-common -MMD -MP
USER_HOSTCC_IS_CLANG := $(shell $(HOSTCC) --version 2>/dev/null | grep -qi clang && echo 1)
USER_HOST_LIBFLAGS := $(USER_HOST_CFLAGS) -nostdinc -isystem user/include -I. $(USER_DEFS) \
	-ffreestanding $(if $(USER_HOSTCC_IS_CLANG),,-fno-tree-loop-distribute-patterns)

$(USER_HOST_OBJS): $(USER_HOST_B)/%.cw.o: user/lib/%.c $(USER_FLAGS_FILE)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(USER_HOST_LIBFLAGS) -MT $@ -MF $(@:.cw.o=.d) -c $< -o $(@:.cw.o=.o)
	objcopy --prefix-symbols=cw_ $(@:.cw.o=.o) $@

$(USER_HOST_B)/host_test: $(wildcard tests/user/host/*.c tests/user/host/*.h) $(USER_HOST_OBJS)
	$(HOSTCC) $(USER_HOST_CFLAGS) -no-pie -o $@ $(filter %.c,$^) $(USER_HOST_OBJS)

# (Tests may pass bad pointers on purpose, which glibc's headers warn about,
# so for them only errors count.)
hostcheck: $(USER_HOST_B)/host_test
	$(USER_HOST_B)/host_test
	@for f in user/bin/*.c; do $(HOSTCC) -std=gnu11 -Wall -Wextra -Werror \
		-idirafter user/include -fsyntax-only $$f || exit 1; done
	@for f in tests/user/*.c; do $(HOSTCC) -std=gnu11 -w \
		-idirafter user/include -fsyntax-only $$f || exit 1; done
	@echo "hostcheck: user/bin and tests/user also compile against the host's libc"

user-clean:
	rm -rf $(USER_B) $(INITRD)

-include $(USER_LIB_OBJS:.o=.d) $(USER_CRT0:.o=.d) $(USER_PROG_OBJS:.o=.d) \
	$(USER_TEST_OBJS:.o=.d) $(USER_HOST_OBJS:.cw.o=.d)

# Standalone, `user` is the default goal; included, the includer's stays.
ifeq ($(USER_MK_SAVED_GOAL),)
ifeq ($(USER_MK_STANDALONE),1)
.DEFAULT_GOAL := user
else
.DEFAULT_GOAL :=
endif
else
.DEFAULT_GOAL := $(USER_MK_SAVED_GOAL)
endif

$(INITRD_SMALL): $(INITRD)
	@rm -rf $(USER_B)/initrd-small-root && mkdir -p $(USER_B)/initrd-small-root/bin
	@cp $(USER_INITRD_ROOT)/bin/true $(USER_B)/initrd-small-root/bin/true
	$(Q)tar --format=ustar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
		--mode=go-w,a+rX -C $(USER_B)/initrd-small-root -cf $@ bin
