// Reading the JSON views (views.h) for text and HTML: members that may be absent or null, with
// an empty value instead of a throw. Shared by render_text.cc and export_html.cc.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <string>
#include <string_view>

namespace tools::json_read {

// A scalar as text: strings as they are, null as `none`, doubles with two decimals.
inline std::string Text(const boost::json::value& v, std::string_view none = "-") {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return std::string(none);
  if (v.is_double()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v.as_double());
    return buf;
  }
  return boost::json::serialize(v);
}

// Member `key` of `o` (absent: null).
inline const boost::json::value& Member(const boost::json::object& o, std::string_view key) {
  static const boost::json::value kNull;
  const boost::json::value* v = o.if_contains(key);
  return v ? *v : kNull;
}

inline const boost::json::array& Array(const boost::json::value& v) {
  static const boost::json::array kEmpty;
  return v.is_array() ? v.as_array() : kEmpty;
}

inline const boost::json::object& Object(const boost::json::value& v) {
  static const boost::json::object kEmpty;
  return v.is_object() ? v.as_object() : kEmpty;
}

}  // namespace tools::json_read
