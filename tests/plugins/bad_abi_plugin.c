/* Claims ABI major 99: the host must refuse it as not binary compatible. */
#include <lagentry/plugin.h>

static int32_t invoke(const lg_call *call, lg_step *out) {
  (void)call;
  (void)out;
  return LG_OK;
}

static const lg_plugin kTable = {
    sizeof(lg_plugin), (99u << 16), "bad-abi", "1.0.0", "{\"id\":\"bad-abi\",\"version\":\"1.0.0\"}", invoke, 0};

LG_EXPORT const lg_plugin *lagentry_plugin_entry(const lg_host *host) {
  (void)host;
  return &kTable;
}
