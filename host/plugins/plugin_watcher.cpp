#include "host/plugins/plugin_watcher.hpp"

#include "core/log/logger.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cstring>

namespace lagentry::host {
namespace asio = boost::asio;

struct PluginWatcher::State : std::enable_shared_from_this<PluginWatcher::State> {
  State(asio::io_context& io, plugin::Registry& r, std::chrono::milliseconds d)
      : registry(r), debounce(d), descriptor(io), timer(io) {}

  plugin::Registry& registry;
  std::chrono::milliseconds debounce;
  asio::posix::stream_descriptor descriptor;
  asio::steady_timer timer;
  std::array<char, 16 * 1024> buffer{};
  bool stopped = false;

  void read() {
    descriptor.async_read_some(asio::buffer(buffer), [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
      if (ec || self->stopped) return;
      if (self->relevant(n)) self->schedule();
      self->read();
    });
  }

  // True when the batch names a plugin file that became complete or vanished.
  bool relevant(std::size_t n) const {
    bool any = false;
    for (std::size_t offset = 0; offset + sizeof(inotify_event) <= n;) {
      inotify_event event;
      std::memcpy(&event, buffer.data() + offset, sizeof event);
      const char* name = buffer.data() + offset + sizeof(inotify_event);
      if (event.len > 0 && plugin::is_plugin_file(std::string(name))) any = true;
      offset += sizeof(inotify_event) + event.len;
    }
    return any;
  }

  void schedule() {
    timer.expires_after(debounce);
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->stopped) return;
      log::info("plugins", "plugin folder changed: reloading");
      self->registry.reload();
    });
  }
};

PluginWatcher::PluginWatcher(asio::io_context& io, plugin::Registry& registry, std::chrono::milliseconds debounce)
    : state_(std::make_shared<State>(io, registry, debounce)) {}

PluginWatcher::~PluginWatcher() { stop(); }

bool PluginWatcher::start() {
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    log::warn("plugins", "inotify unavailable; reload with SIGHUP or POST /admin/plugins/reload");
    return false;
  }
  // Only complete files: written and closed, or renamed in; and removals.
  const auto mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM;
  if (::inotify_add_watch(fd, state_->registry.plugin_dir().c_str(), mask) < 0) {
    ::close(fd);
    log::warn("plugins", "cannot watch " + state_->registry.plugin_dir().string() +
                             "; reload with SIGHUP or POST /admin/plugins/reload");
    return false;
  }
  state_->descriptor.assign(fd);
  state_->read();
  log::info("plugins", "watching " + state_->registry.plugin_dir().string() + " for plugin changes");
  return true;
}

void PluginWatcher::stop() {
  if (!state_ || state_->stopped) return;
  state_->stopped = true;
  boost::system::error_code ignored;
  state_->timer.cancel();
  state_->descriptor.close(ignored);
}

}  // namespace lagentry::host
