/*
 * Lagentry plugin ABI, version 1.2.
 *
 * The whole contract between the Lagentry host and a provider plugin. Pure C:
 * only <stddef.h> and <stdint.h>, no STL, no exceptions, no RTTI across it.
 * See docs/plugin-abi.md for the narrative version of these rules.
 *
 * Shape
 *   A plugin is a shared library exporting one C function,
 *       const lg_plugin *lagentry_plugin_entry(const lg_host *host);
 *   The host passes its API table; the plugin answers with its own table.
 *
 * Versioning
 *   LG_ABI_VERSION = (major << 16) | minor. The host refuses a plugin whose
 *   major differs from its own. Minor bumps only ever append fields at the
 *   end of a struct; every struct starts with struct_size so each side can
 *   tell which fields the other one knows about. Fields are never removed,
 *   reordered or retyped within a major version.
 *
 * Sans-I/O
 *   Plugins perform no I/O, start no threads and keep no memory alive between
 *   calls. An operation is a sequence of invoke() steps: each step answers
 *   either LG_STEP_REPLY (the final answer) or LG_STEP_FETCH (a list of
 *   upstream HTTP requests plus opaque continuation state). The host performs
 *   the requests and calls invoke() again with the responses and the state.
 *
 * Minor versions
 *   1.1  manifest data only, no struct changed: each provider declares
 *        "api_origins", the only origins the host sends its tokens to
 *        (a 1.0 plugin's providers have none and get no tokens).
 *   1.2  responses as a list: a plugin that sets LG_PLUGIN_RESPONSE_LIST
 *        in lg_plugin.flags gets each step's upstream responses as
 *        lg_call.response_list (bodies as received, nothing escaped into a
 *        JSON document) instead of lg_call.responses. Appended:
 *        lg_call.response_list and response_count, lg_plugin.flags.
 *        A 1.2 plugin on a 1.1 host still gets lg_call.responses.
 *
 * Ownership
 *   "borrowed": the receiver may read it only for the duration of the call.
 *   "static":   lives as long as the library stays loaded.
 *   "host-allocated": allocated with lg_host.alloc; ownership passes to the
 *                     receiver, who releases it with lg_host.free.
 */
#ifndef LAGENTRY_PLUGIN_H
#define LAGENTRY_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LG_ABI_VERSION_MAJOR 1u
#define LG_ABI_VERSION_MINOR 2u
#define LG_ABI_VERSION ((LG_ABI_VERSION_MAJOR << 16) | LG_ABI_VERSION_MINOR)
#define LG_ABI_MAJOR(v) ((uint32_t)(v) >> 16)
#define LG_ABI_MINOR(v) ((uint32_t)(v)&0xffffu)

/* Name of the one exported symbol. */
#define LG_PLUGIN_ENTRY_SYMBOL "lagentry_plugin_entry"

#if defined(_WIN32)
#define LG_EXPORT __declspec(dllexport)
#else
#define LG_EXPORT __attribute__((visibility("default")))
#endif

typedef enum lg_log_level {
  LG_LOG_DEBUG = 0,
  LG_LOG_INFO = 1,
  LG_LOG_WARN = 2,
  LG_LOG_ERROR = 3
} lg_log_level;

/*
 * The host's API table, given to the plugin at entry. The pointer is static
 * for the plugin's lifetime: the plugin may keep it until lg_plugin.shutdown
 * returns. Every function is thread-safe.
 */
typedef struct lg_host {
  uint32_t struct_size; /* sizeof(lg_host) as the host was compiled */
  uint32_t abi_version; /* the host's LG_ABI_VERSION */

  /* Allocate size bytes (never NULL for size > 0 unless out of memory).
   * Every buffer a plugin hands to the host must come from here. */
  void *(*alloc)(size_t size);
  /* Release memory obtained from alloc. free(NULL) does nothing. */
  void (*free)(void *ptr);

  /* Write one log line under the plugin's id. message is borrowed, not
   * NUL-terminated, length bytes long. Never log tokens or secrets: the
   * host never gives the plugin any, keep it that way. */
  void (*log)(const struct lg_host *host, lg_log_level level, const char *message,
              size_t length);

  /* Host-private context for log(); plugins must not touch it. */
  void *host_context;
  /* ABI 1.0 ends here; later minors append below. */
} lg_host;

/* A borrowed byte string (ABI 1.2). Never extended: arrays of it are indexed. */
typedef struct lg_bytes {
  const char *data;
  size_t length;
} lg_bytes;

/* One upstream response (ABI 1.2), borrowed for the call. */
typedef struct lg_response {
  uint32_t struct_size;
  int32_t status;           /* the HTTP status; 0: transport failure, see error */
  lg_bytes body;            /* as received: any bytes, not necessarily UTF-8 */
  lg_bytes error;           /* the transport failure when status is 0 */
  /* header_count name/value pairs: headers[2*i] is a name (lower-case),
   * headers[2*i + 1] its value. */
  const lg_bytes *headers;
  size_t header_count;
} lg_response;

/* One invoke() step's input. Every pointer is borrowed for the call. */
typedef struct lg_call {
  uint32_t struct_size;
  uint32_t reserved;
  /* Operation name as declared in the manifest ("gmail.list"). */
  const char *operation;
  size_t operation_length;
  /* JSON object: {"params":{...},"body":...,"connection":{...}}. */
  const char *input;
  size_t input_length;
  /* NULL on the first step; afterwards the state the previous step
   * returned, byte for byte. */
  const char *state;
  size_t state_length;
  /* NULL on the first step; afterwards a JSON array with one response per
   * request of the previous LG_STEP_FETCH, in the same order:
   * {"status":200,"headers":{...},"body":"<text>"} or
   * {"status":0,"error":"<transport failure>"}. */
  const char *responses;
  size_t responses_length;
  /* ABI 1.0 ends here; later minors append below. */

  /* ABI 1.2, for a plugin that sets LG_PLUGIN_RESPONSE_LIST: NULL on the
   * first step; afterwards response_count pointers, one per request of the
   * previous LG_STEP_FETCH in the same order, and responses is NULL. Read
   * these fields only when struct_size covers them (a 1.1 host's does not,
   * and it fills responses instead). */
  const lg_response *const *response_list;
  size_t response_count;
} lg_call;

typedef enum lg_step_kind {
  /* json holds the final reply: {"status":200,"body":...} or an error
   * {"status":404,"error":{"code":"...","message":"..."}}. */
  LG_STEP_REPLY = 0,
  /* json holds {"requests":[{"method","url","headers","body","auth"}]};
   * state holds whatever the plugin needs to continue. A request with auth
   * other than "none" must be https to one of its provider's api_origins. */
  LG_STEP_FETCH = 1
} lg_step_kind;

/* One invoke() step's output, filled by the plugin. The host zeroes it and
 * sets struct_size before the call. */
typedef struct lg_step {
  uint32_t struct_size;
  uint32_t kind; /* lg_step_kind */
  /* host-allocated, ownership passes to the host. */
  char *json;
  size_t json_length;
  /* host-allocated opaque continuation (LG_STEP_FETCH only), ownership
   * passes to the host, which returns it verbatim in lg_call.state. */
  char *state;
  size_t state_length;
} lg_step;

/* invoke() results. Anything but LG_OK means the step failed; json may then
 * carry a host-allocated, human-readable message (never a secret). */
#define LG_OK 0
#define LG_ERR_UNKNOWN_OPERATION 1
#define LG_ERR_BAD_INPUT 2
#define LG_ERR_INTERNAL 3

/*
 * The plugin's table, returned by lagentry_plugin_entry. The table and every
 * string in it are static.
 */
typedef struct lg_plugin {
  uint32_t struct_size; /* sizeof(lg_plugin) as the plugin was compiled */
  uint32_t abi_version; /* the plugin's LG_ABI_VERSION */

  const char *id;       /* static, NUL-terminated, [a-z0-9_-]+ */
  const char *version;  /* static, NUL-terminated, e.g. "1.2.0" */
  /* static, NUL-terminated JSON manifest: providers with their OAuth
   * descriptors and api_origins, connectors, operations and custom routes. */
  const char *manifest;

  /* Run one step of an operation. Thread-safe and reentrant: the host calls
   * it from many threads at once. Must not block or perform I/O. */
  int32_t (*invoke)(const lg_call *call, lg_step *out);

  /* Called once before the library is unloaded; may be NULL. */
  void (*shutdown)(void);
  /* ABI 1.0 ends here; later minors append below. */

  /* ABI 1.2: LG_PLUGIN_* bits. */
  uint32_t flags;
} lg_plugin;

/* lg_plugin.flags: hand this plugin its responses as lg_call.response_list. */
#define LG_PLUGIN_RESPONSE_LIST 1u

/* The exported entry point. Returns NULL if the plugin cannot initialise
 * (it should log why through host->log first). */
typedef const lg_plugin *(*lg_plugin_entry_fn)(const lg_host *host);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LAGENTRY_PLUGIN_H */
