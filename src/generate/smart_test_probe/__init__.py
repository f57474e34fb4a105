"""smart-test's execution probe, started by probe.py beside this package (see there).

Modules, by concern: request (validation, main), runner (imports, targets, events), candidate
(one candidate's runs), describe (outcomes, stability), isolation (per-run state), child (a
forked process per target), limits (memory, signals), sandbox (audit hook), timeouts, tracing,
capture (output), values, snippets, state (what they share).
"""
