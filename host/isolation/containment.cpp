#include "host/isolation/containment.hpp"

#include "core/log/logger.hpp"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LAGENTRY_SANITIZER_SHADOW 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define LAGENTRY_SANITIZER_SHADOW 1
#endif
#endif

namespace lagentry::worker {
namespace {
constexpr std::string_view kLog = "plugin-worker";

#if defined(__x86_64__)
constexpr std::uint32_t kArchitecture = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr std::uint32_t kArchitecture = AUDIT_ARCH_AARCH64;
#else
#error "the plugin worker's seccomp filter knows x86_64 and aarch64 only"
#endif

constexpr std::uint32_t kDeny = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);
constexpr std::uint32_t kAllow = SECCOMP_RET_ALLOW;

// System calls refused outright.
const std::vector<int>& refused_calls() {
  static const std::vector<int> calls{
      // the network
      __NR_socket, __NR_socketpair, __NR_connect, __NR_bind, __NR_listen, __NR_accept, __NR_accept4,
      // opening, creating or changing files (read/write on fds already open stay allowed)
      __NR_openat, __NR_openat2, __NR_open_by_handle_at, __NR_name_to_handle_at, __NR_unlinkat, __NR_renameat,
      __NR_renameat2, __NR_mkdirat, __NR_linkat, __NR_symlinkat, __NR_fchmodat, __NR_fchownat, __NR_mknodat,
      __NR_truncate, __NR_ftruncate, __NR_fchmod, __NR_fchown,
#ifdef __NR_open  // the legacy calls aarch64 never had
      __NR_open, __NR_creat, __NR_unlink, __NR_rename, __NR_mkdir, __NR_rmdir, __NR_link, __NR_symlink,
      __NR_chmod, __NR_chown, __NR_lchown, __NR_mknod, __NR_fork, __NR_vfork,
#endif
      // programs and processes
      __NR_execve, __NR_execveat, __NR_ptrace, __NR_process_vm_readv, __NR_process_vm_writev,
      __NR_kill, __NR_tkill, __NR_rt_sigqueueinfo, __NR_rt_tgsigqueueinfo, __NR_pidfd_open,
      __NR_pidfd_send_signal, __NR_pidfd_getfd, __NR_setsid, __NR_setpgid,
      // ways around the filter, or out of the process
      __NR_io_uring_setup, __NR_io_uring_enter, __NR_io_uring_register, __NR_bpf, __NR_perf_event_open,
      __NR_userfaultfd, __NR_mount, __NR_umount2, __NR_unshare, __NR_setns, __NR_chroot, __NR_pivot_root,
      __NR_keyctl, __NR_add_key, __NR_request_key, __NR_memfd_create,
      // other processes' scheduling and memory (same user, so otherwise allowed)
      __NR_setpriority, __NR_sched_setaffinity, __NR_sched_setscheduler, __NR_sched_setparam,
      __NR_sched_setattr, __NR_ioprio_set, __NR_process_madvise, __NR_kcmp, __NR_migrate_pages,
      __NR_move_pages};
  return calls;
}

class FilterBuilder {
 public:
  void statement(std::uint16_t code, std::uint32_t k) { program_.push_back(BPF_STMT(code, k)); }
  void jump(std::uint16_t code, std::uint32_t k, std::uint8_t if_true, std::uint8_t if_false) {
    program_.push_back(BPF_JUMP(code, k, if_true, if_false));
  }
  void load_syscall_number() { statement(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)); }
  // The low 32 bits of argument `index` (both architectures are little-endian).
  void load_argument(unsigned index) {
    statement(BPF_LD | BPF_W | BPF_ABS, static_cast<std::uint32_t>(offsetof(seccomp_data, args) + 8 * index));
  }
  // Expects the syscall number in the accumulator; leaves it there.
  void answer(int call, std::uint32_t action) {
    jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<std::uint32_t>(call), 0, 1);
    statement(BPF_RET | BPF_K, action);
  }
  // `call` is allowed when argument `index` passes `test` against `value`
  // (BPF_JEQ: equals it; BPF_JSET: has any of its bits), refused otherwise;
  // either way the filter ends there.
  void allow_if(int call, unsigned index, std::uint16_t test, std::uint32_t value) {
    jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<std::uint32_t>(call), 0, 4);
    load_argument(index);
    jump(BPF_JMP | test | BPF_K, value, 1, 0);
    statement(BPF_RET | BPF_K, kDeny);
    statement(BPF_RET | BPF_K, kAllow);
  }
  // `call` is refused when argument `index` equals `value`; otherwise the
  // filter goes on (with the syscall number reloaded).
  void refuse_if_equal(int call, unsigned index, std::uint32_t value) {
    jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<std::uint32_t>(call), 0, 4);
    load_argument(index);
    jump(BPF_JMP | BPF_JEQ | BPF_K, value, 0, 1);
    statement(BPF_RET | BPF_K, kDeny);
    load_syscall_number();
  }
  std::vector<sock_filter>& program() { return program_; }

 private:
  std::vector<sock_filter> program_;
};

std::vector<sock_filter> worker_filter() {
  FilterBuilder f;
  // Another architecture's calling convention would renumber every call.
  f.statement(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch));
  f.jump(BPF_JMP | BPF_JEQ | BPF_K, kArchitecture, 1, 0);
  f.statement(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
  f.load_syscall_number();
#if defined(__x86_64__)
  f.jump(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u /* __X32_SYSCALL_BIT */, 0, 1);
  f.statement(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
#endif
  for (int call : refused_calls()) f.answer(call, kDeny);
  // Typing into the terminal the host's stderr may be.
  f.refuse_if_equal(__NR_ioctl, 1, TIOCSTI);
  // glibc falls back from clone3 to clone, whose flags a filter can read.
  f.answer(__NR_clone3, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
  // abort() and raise() signal the worker's own threads through tgkill.
  f.allow_if(__NR_tgkill, 0, BPF_JEQ, static_cast<std::uint32_t>(::getpid()));
  // Resource limits of the worker itself only (pid 0), never the host's.
  f.allow_if(__NR_prlimit64, 0, BPF_JEQ, 0);
  // Threads (a sanitizer's, or a library's) but no new processes.
  f.allow_if(__NR_clone, 0, BPF_JSET, CLONE_THREAD);
  f.statement(BPF_RET | BPF_K, kAllow);
  return std::move(f.program());
}

}  // namespace

void confine_before_load(pid_t host_pid) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != host_pid) std::_Exit(0);  // the host died before the line above
  ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
}

bool confine_after_load(std::size_t memory_limit_mb) {
#ifndef LAGENTRY_SANITIZER_SHADOW
  if (memory_limit_mb > 0) {
    const rlim_t bytes = static_cast<rlim_t>(memory_limit_mb) * 1024 * 1024;
    const rlimit limit{bytes, bytes};
    if (::setrlimit(RLIMIT_AS, &limit) != 0) {
      log::error(kLog, std::string("cannot limit memory: ") + std::strerror(errno));
      return false;
    }
  }
#else
  (void)memory_limit_mb;
#endif
  std::vector<sock_filter> program = worker_filter();
  const sock_fprog filter{static_cast<unsigned short>(program.size()), program.data()};
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &filter) != 0) {
    log::error(kLog, std::string("cannot install the seccomp filter: ") + std::strerror(errno));
    return false;
  }
  return true;
}

}  // namespace lagentry::worker
