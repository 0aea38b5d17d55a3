# grade.mk - the teaching kit's targets (docs/labs/README.md):
#   make grade [LAB=NAME]          score the labs (tools/grade.sh): points per
#                                  test, a total, $(B)/grade.json; exit 0 only at full marks
#   make handout LAB=NAME DEST=DIR a student's tree for one lab (tools/handout.sh)
#   make trace-svg                 a COWTRACE run of cowdemo as an SVG timeline
.PHONY: grade handout
LAB ?= $(shell cat .lab 2>/dev/null)
grade: deps
	@mkdir -p $(B)
	@MAKE="$(MAKE)" sh tools/grade.sh $(B) $(LAB)

handout:
	@sh tools/handout.sh "$(LAB)" "$(DEST)"
