// Request and Response: the server's plain view of one HTTP exchange, free of Beast types so that
// route code compiles fast and can be unit-tested without sockets.
//
// The server core (http_server.h) parses the wire request into a Request (path already split into
// percent-decoded segments, query decoded) and turns a handler's Response back into HTTP/1.1.
// A Response that carries an EventStreamSource is a Server-Sent Events stream (event_stream.h).
//
// Thread-safety: values; a const object may be shared between threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace api {

class EventStreamSource;

// Header fields in arrival order. Names compare case-insensitively.
class Headers {
 public:
  void Add(std::string name, std::string value);
  // Replaces every field named `name` with one.
  void Set(std::string name, std::string value);
  // The first value of `name`, or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }

  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// `s` without leading and trailing spaces and tabs (HTTP's optional whitespace, RFC 9110 5.6.3).
std::string_view TrimOws(std::string_view s);

struct Request {
  std::string method;                 // "GET", "POST", ... as sent (methods are case-sensitive)
  std::string target;                 // the raw request-target, e.g. "/v1/events?from=3"
  std::string path;                   // its path, still percent-encoded: "/v1/events"
  std::vector<std::string> segments;  // the path's segments, percent-decoded: {"v1", "events"}
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  Headers headers;
  std::string body;
  std::string remote_address;  // the peer's IP address

  // The first value of query parameter `name`, or nullopt.
  std::optional<std::string_view> QueryValue(std::string_view name) const;
};

// Well-known media types.
inline constexpr std::string_view kJsonType = "application/json";
inline constexpr std::string_view kProblemJsonType = "application/problem+json";
inline constexpr std::string_view kCapnpType = "application/x-capnp";
inline constexpr std::string_view kEventStreamType = "text/event-stream";
inline constexpr std::string_view kPrometheusType = "text/plain; version=0.0.4; charset=utf-8";

struct Response {
  unsigned status = 200;
  std::string content_type;  // empty: no Content-Type (and normally no body)
  Headers headers;           // extra fields (Retry-After, Allow, WWW-Authenticate, Location...)
  std::string body;
  // Set for a Server-Sent Events stream: the server writes the stream's header and then pulls
  // events from the source until the client goes away or the server shuts down. `body` unused.
  std::shared_ptr<EventStreamSource> stream;

  static Response Text(unsigned status, std::string content_type, std::string body) {
    Response r;
    r.status = status;
    r.content_type = std::move(content_type);
    r.body = std::move(body);
    return r;
  }
  static Response EventStream(std::shared_ptr<EventStreamSource> source) {
    Response r;
    r.content_type = std::string(kEventStreamType);
    r.stream = std::move(source);
    return r;
  }
};

// The standard reason phrase of an HTTP status ("Not Found"), or "Unknown".
std::string_view ReasonPhrase(unsigned status);

}  // namespace api
