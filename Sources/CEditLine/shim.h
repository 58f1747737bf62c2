#ifndef HOPS_CEDITLINE_SHIM_H
#define HOPS_CEDITLINE_SHIM_H
#include <stdio.h>
#include <histedit.h>

/// The C stdio globals, which Swift sees only as mutable globals of unclear concurrency.
static inline FILE *hops_stdin(void) { return stdin; }
static inline FILE *hops_stdout(void) { return stdout; }
static inline FILE *hops_stderr(void) { return stderr; }
#endif
