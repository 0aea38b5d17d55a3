# grade.mk - the teaching kit's targets (docs/labs/README.md):
#   make grade [LAB=NAME]          score the labs (tools/grade.sh): points per
#                                  test, a total, $(B)/grade.json; exit 0 only at full marks
#                                  (LAB= in a handout: every lab, not just its own)
#   make handout LAB=NAME DEST=DIR a student's tree for one lab (tools/handout.sh)
#   make trace-svg [TRACE_INIT=/bin/NAME] [FORK=page]
#                                  a COWTRACE run of cowdemo (or NAME) drawn as an SVG
#                                  timeline, $(B)/trace.svg, checked (tools/trace-svg.sh)
.PHONY: grade handout trace-svg
LAB ?= $(shell cat .lab 2>/dev/null)
grade: deps
	@mkdir -p $(B)
	@MAKE="$(MAKE)" sh tools/grade.sh $(B) $(LAB)

handout:
	@sh tools/handout.sh "$(LAB)" "$(DEST)"

TRACE_INIT ?= /bin/cowdemo
trace-svg: deps
	@mkdir -p $(B)
	@echo "trace-svg: make run INIT=$(TRACE_INIT) COWTRACE=1$(if $(FORK), FORK=$(FORK)); log in $(B)/trace.log"
	@$(MAKE) -s run INIT=$(TRACE_INIT) COWTRACE=1 </dev/null >$(B)/trace.log 2>&1 || \
		{ tail -n 20 $(B)/trace.log; echo "trace-svg: the run failed"; exit 1; }
	@sh tools/trace-svg.sh $(B)/trace.log >$(B)/trace.svg
	@sh tools/trace-svg.sh check $(B)/trace.log $(B)/trace.svg
