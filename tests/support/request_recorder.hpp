// A plain HTTP/1.1 listener on its own loopback port that records every
// request it gets and answers each with one fixed response. Tests use it as
// a trap ("evil.example", a path-normalising proxy: it must never see a
// credential) and as a stand-in provider whose received headers are checked.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lagentry::test {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string raw_head;  // the request line and header block as received
};

class RequestRecorder {
 public:
  explicit RequestRecorder(int status = 200, std::string body = R"({"ok":true})",
                           std::string content_type = "application/json");
  ~RequestRecorder();
  RequestRecorder(const RequestRecorder&) = delete;
  RequestRecorder& operator=(const RequestRecorder&) = delete;

  unsigned short port() const;
  std::string base_url() const;  // http://127.0.0.1:PORT
  std::vector<RecordedRequest> requests() const;
  // The status later requests are answered with (a receiver that recovers).
  void set_status(int status);
  // True when some request carried an Authorization, Cookie or
  // Proxy-Authorization header, or one of the sandbox's token prefixes anywhere.
  bool saw_credential() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lagentry::test
