// What a plugin worker process may do, set up in two stages around loading
// the plugin: dlopen and the plugin's entry function (its initialisation
// and manifest) need files; its invoke steps need nothing but memory.
#pragma once

#include <sys/types.h>

#include <cstddef>

namespace lagentry::worker {

// Before loading: no privileges can ever be gained (setuid binaries, file
// capabilities), no core files, and the worker dies with the host (SIGKILL
// when the host process ends). Exits at once if the host is already gone.
void confine_before_load(pid_t host_pid);

// After loading: the address-space limit (RLIMIT_AS, `memory_limit_mb`; 0 for
// none; not under AddressSanitizer or ThreadSanitizer, whose shadow memory
// alone exceeds any sensible limit), then a seccomp filter that refuses, with
// EPERM, every system call that reaches beyond the process: sockets,
// opening or changing files, running programs, new processes, signals to
// other processes, tracing, io_uring, bpf, namespaces and mounts. A step that
// tries any of them gets an error, not a crash. Returns false (and logs) when
// the kernel refuses the filter: the worker must then not serve.
bool confine_after_load(std::size_t memory_limit_mb);

}  // namespace lagentry::worker
