# tools/fuzz.mk - `make fuzz`: /bin/syzfuzz as pid 1 for FUZZ_ROUNDS rounds
# (seeds FUZZ_SEED, FUZZ_SEED+1, ...) of FUZZ_N calls; FUZZ_FLAGS=-m adds
# memory pressure, -v prints each call; FORK=copy fuzzes the eager fork. Log in
# $(B)/fuzz.log; fails on a panic, a hang (FUZZ_TIMEOUT s) or a failed round.
#
#   make fuzz                                    40 x 50,000 calls, a few minutes
#   make fuzz FUZZ_SEED=77 FUZZ_ROUNDS=1 FUZZ_N=3000 FUZZ_FLAGS=-v   replay one round

FUZZ_SEED ?= 1
FUZZ_N ?= 50000
FUZZ_ROUNDS ?= 40
FUZZ_FLAGS ?=
FUZZ_TIMEOUT ?= 3600

.PHONY: fuzz
fuzz: deps
	@$(MAKE) --no-print-directory B=$(B) INIT=/bin/syzfuzz \
		ARGS="$(FUZZ_SEED) $(FUZZ_N) $(FUZZ_ROUNDS) $(FUZZ_FLAGS)" $(B)/cowos.iso
	@echo "fuzz: $(FUZZ_ROUNDS) round(s) of $(FUZZ_N) calls from seed $(FUZZ_SEED)" \
		"$(FUZZ_FLAGS) $(if $(FORK),fork=$(FORK)); log in $(B)/fuzz.log, timeout $(FUZZ_TIMEOUT) s"
	@t0=$$(date +%s); \
	{ timeout -k 10 $(FUZZ_TIMEOUT) sh tools/run.sh $(B)/cowos.iso </dev/null 2>&1; \
		echo $$? > $(B)/fuzz.status; } | tr -d '\r' | tee $(B)/fuzz.log | \
		grep --line-buffered -E '^syzfuzz: (seed [0-9]+: ([0-9]+ calls|up to|memory|the)|BUG)|panic|HANG'; \
	status=$$(cat $(B)/fuzz.status); secs=$$(( $$(date +%s) - t0 )); \
	summary=$$(grep -E '^syzfuzz: [0-9]+ of [0-9]+ round' $(B)/fuzz.log | tail -n 1); \
	rate=$$(awk '/^syzfuzz: seed [0-9]+: [0-9]+ calls in [0-9]+ ms/ { n += $$4; ms += $$7 } \
		END { if (ms) printf "%d calls in %d s of fuzzing, %d calls/s", n, ms / 1000, n * 1000 / ms }' \
		$(B)/fuzz.log); \
	bugs=$$(grep -c 'BUG' $(B)/fuzz.log); \
	echo "fuzz: $${summary:-no summary line} ($$rate; $$bugs BUG lines; $$secs s in all)"; \
	if grep -q 'panic:' $(B)/fuzz.log; then \
		echo "fuzz: FAILED: the kernel panicked; see $(B)/fuzz.log"; exit 1; \
	elif [ "$$status" = 124 ] || [ "$$status" = 137 ]; then \
		echo "fuzz: FAILED: no end after $(FUZZ_TIMEOUT) s: a hang; see $(B)/fuzz.log"; exit 1; \
	elif [ "$$status" != 0 ] || ! echo "$$summary" | grep -q ': ok$$'; then \
		echo "fuzz: FAILED (run.sh status $$status); see the BUG lines in $(B)/fuzz.log"; exit 1; \
	fi; \
	echo "fuzz: passed"
