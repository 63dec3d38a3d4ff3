// A small synchronous HTTP/1.1 client over loopback for tests (Beast).
#pragma once

#include <boost/json/value.hpp>

#include <map>
#include <memory>
#include <string>

namespace lagentry::test {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  boost::json::value json() const;  // throws when the body is not JSON
  std::string header(const std::string& lower_name) const;
  // The error model's code, or "" when the body has none.
  std::string error_code() const;
};

class HttpClient {
 public:
  // Requests carry `Authorization: Bearer <bearer>` unless bearer is empty
  // (the default is the test hosts' admin key).
  explicit HttpClient(unsigned short port, std::string host = "127.0.0.1");
  void set_bearer(std::string bearer);
  ~HttpClient();

  HttpResult request(const std::string& method, const std::string& target, const std::string& body = {},
                     const std::map<std::string, std::string>& headers = {});
  HttpResult get(const std::string& target, const std::map<std::string, std::string>& headers = {}) {
    return request("GET", target, {}, headers);
  }
  HttpResult post_json(const std::string& target, const std::string& body,
                       const std::map<std::string, std::string>& headers = {});

  // Writes raw bytes on a fresh connection and returns everything the server
  // sends until it closes (or 5 s pass).
  std::string raw_exchange(const std::string& bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lagentry::test
