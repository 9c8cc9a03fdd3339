## traces/local.mk: numbers and files from a Recording (statistics; pprof, Chrome trace
## JSON, gctrace, summary JSON, record.json + events.bin; HTML reports; budgets); never
## calls back into the simulator.
libbaregc_a_SOURCES += traces/traces.h traces/traces.c traces/stats.c traces/stats.h \
	traces/pprof.c traces/pprof.h traces/trace_json.c traces/gctrace.c traces/summary.c \
	traces/record_json.c traces/record_events.c traces/json_out.c traces/json_out.h \
	traces/budget.c traces/budget.h traces/budget_measure.c \
	traces/budget_verdict.c traces/budget_out.c traces/report.c traces/report.h traces/svg.c traces/svg.h \
	traces/diff.c traces/diff.h
