// ledger-export-check: re-verifies a `ledgerctl export --format jsonl` file on its own, with no
// access to the ledger — what a reviewer runs elsewhere (docs/operations.md "Audit exports").
//
// For every event line it decodes "canonical" (base64), recomputes
//   hash = SHA-256(prev_hash || canonical)
// and compares it with the line's "hash"; it reads the canonical bytes as the envelope
// (ledger/log/envelope.capnp, the published schema) and checks that the line's position, stream,
// version, times, type, actor and prev_hash say what the hashed bytes say. For a contiguous
// export (the whole log or a month) it also checks that positions follow one another and each
// prev_hash is the hash before it, and that the last event is the head when the export reaches it.
//
// It shares no code with the ledger except the schema, on purpose: it is a second implementation
// of the chain rule. Exit 0 when everything checks, 1 naming the first bad line, 2 for usage.
#include <capnp/message.h>
#include <kj/exception.h>
#include <openssl/evp.h>

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "ledger/log/envelope.capnp.h"

namespace {

namespace json = boost::json;

std::optional<std::string> Base64Decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < in.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = in[i + k];
      if (c == '=' && i + 4 == in.size() && k >= 2) {
        v[k] = 0;
        ++pad;
      } else if ((v[k] = value(c)) < 0 || pad) {
        return std::nullopt;
      }
    }
    uint32_t n = uint32_t(v[0]) << 18 | uint32_t(v[1]) << 12 | uint32_t(v[2]) << 6 | uint32_t(v[3]);
    out += char(n >> 16);
    if (pad < 2) out += char(n >> 8 & 0xFF);
    if (pad < 1) out += char(n & 0xFF);
  }
  return out;
}

std::string Hex(const unsigned char* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += d[p[i] >> 4];
    s += d[p[i] & 15];
  }
  return s;
}

std::optional<std::string> Unhex(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    unsigned v = 0;
    for (int k = 0; k < 2; ++k) {
      char c = hex[i + k];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= unsigned(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= unsigned(c - 'a' + 10);
      else
        return std::nullopt;
    }
    out += char(v);
  }
  return out;
}

std::string Sha256Hex(std::string_view a, std::string_view b) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, a.data(), a.size());
  EVP_DigestUpdate(ctx, b.data(), b.size());
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  return Hex(md, len);
}

// Microseconds since the epoch of an RFC 3339 UTC time "2026-05-27T08:39:27[.ffffff]Z".
std::optional<int64_t> Micros(std::string_view t) {
  int y, mo, d, h, mi, s;
  if (t.size() < 20 ||
      std::sscanf(std::string(t).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6)
    return std::nullopt;
  int64_t frac = 0;
  size_t i = 19;
  if (i < t.size() && t[i] == '.') {
    int digits = 0;
    for (++i; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, ++digits)
      if (digits < 6) frac = frac * 10 + (t[i] - '0');
    for (; digits < 6; ++digits) frac *= 10;
  }
  if (i >= t.size() || t[i] != 'Z') return std::nullopt;
  // days from civil (Howard Hinnant's algorithm)
  y -= mo <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = era * 146097 + doe - 719468;
  return ((days * 24 + h) * 60 + mi) * 60000000LL + s * 1000000LL + frac;
}

std::string Str(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
int64_t Int(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  return v && (v->is_int64() || v->is_uint64()) ? v->to_number<int64_t>() : -1;
}

// Checks one event line against its canonical bytes; "" when it holds.
std::string CheckEvent(const json::object& e) {
  std::optional<std::string> bytes = Base64Decode(Str(e, "canonical"));
  if (!bytes || bytes->empty() || bytes->size() % 8)
    return "canonical is not base64 of a Cap'n Proto message";
  std::optional<std::string> prev = Unhex(Str(e, "prev_hash"));
  if (!prev || prev->size() != 32) return "prev_hash is not 64 hex digits";
  if (Sha256Hex(*prev, *bytes) != Str(e, "hash"))
    return "the hash does not match sha256(prev_hash || canonical)";
  try {
    kj::ArrayPtr<const capnp::word> words(reinterpret_cast<const capnp::word*>(bytes->data()),
                                          bytes->size() / sizeof(capnp::word));
    kj::ArrayPtr<const capnp::word> segments[1] = {words};  // canonical form: one segment, no table
    capnp::SegmentArrayMessageReader reader(kj::arrayPtr(segments, 1));
    auto env = reader.getRoot<ledger::schema::Envelope>();
    auto mismatch = [](const char* field) {
      return std::string("the line's ") + field + " differs from the hashed bytes";
    };
    if (int64_t(env.getPosition()) != Int(e, "position")) return mismatch("position");
    if (env.getStreamId() != Str(e, "stream")) return mismatch("stream");
    if (int64_t(env.getStreamVersion()) != Int(e, "version")) return mismatch("version");
    if (env.getType() != Str(e, "type")) return mismatch("type");
    if (Micros(Str(e, "recorded_at")) != env.getRecordedAt()) return mismatch("recorded_at");
    if (Micros(Str(e, "occurred_at")) != env.getOccurredAt()) return mismatch("occurred_at");
    const json::value* actor = e.if_contains("actor");
    if (!actor || !actor->is_object() || env.getActor().getId() != Str(actor->as_object(), "id") ||
        env.getActor().getRole() != Str(actor->as_object(), "role"))
      return mismatch("actor");
    auto p = env.getPrevHash();
    if (Hex(p.begin(), p.size()) != Str(e, "prev_hash")) return mismatch("prev_hash");
  } catch (const kj::Exception& ex) {
    return std::string("the canonical bytes do not decode as an envelope: ") +
           ex.getDescription().cStr();
  }
  return "";
}

// What a check has read so far. Each line's step returns why the line is bad, or "".
struct ExportCheck {
  bool contiguous = false, header = false, head = false;
  int64_t first = 0, last = 0;  // the header's range
  int64_t events = 0, last_position = -1;
  std::string last_hash;

  std::string Header(const json::object& o) {
    if (Str(o, "kind") != "export" || Int(o, "format") != 1)
      return "not a ledger export (format 1) header";
    contiguous = o.at("contiguous").as_bool();
    first = Int(o, "first_position");
    last = Int(o, "last_position");
    header = true;
    return "";
  }

  std::string Event(const json::object& o) {
    if (head) return "an event after the head line";
    if (std::string why = CheckEvent(o); !why.empty()) return why;
    int64_t pos = Int(o, "position");
    if (pos < first || pos > last) return "position outside the export's range";
    if (pos <= last_position) return "positions out of order";
    // Links are checked only in a contiguous export: elsewhere the previous event is not in it.
    if (contiguous) {
      if (last_position < 0 && pos != first) return "the first event is not at first_position";
      if (last_position >= 0 && pos != last_position + 1)
        return "a position is missing before this one";
      if (last_position >= 0 && Str(o, "prev_hash") != last_hash)
        return "prev_hash is not the previous event's hash";
      if (pos == 1 && Str(o, "prev_hash") != std::string(64, '0'))
        return "the first event's prev_hash is not zero";
    }
    last_position = pos;
    last_hash = Str(o, "hash");
    ++events;
    return "";
  }

  std::string Head(const json::object& o) {
    head = true;
    if (Int(o, "events") != events) return "the head line counts another number of events";
    if (contiguous && events > 0 && last_position != last) return "events are missing at the end";
    if (contiguous && last_position == Int(o, "position") && last_hash != Str(o, "hash"))
      return "the last event is not the head it claims";
    const json::value* verify = o.if_contains("verify");
    if (!verify || !verify->is_object() || !verify->as_object().at("ok").as_bool())
      std::fprintf(stderr,
                   "ledger-export-check: note: the ledger itself did not verify when exported\n");
    std::printf("ok: %lld events; every hash recomputed%s; head %lld:%s\n", (long long)events,
                contiguous ? ", the chain unbroken" : " (not contiguous: links not checked)",
                (long long)Int(o, "position"), Str(o, "hash").c_str());
    return "";
  }
};

int Check(std::istream& in) {
  std::string line;
  int64_t line_no = 0;
  ExportCheck check;
  auto bad = [&](const std::string& why) {
    std::fprintf(stderr, "ledger-export-check: line %lld: %s\n", (long long)line_no, why.c_str());
    return 1;
  };
  while (std::getline(in, line)) {
    ++line_no;
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (ec || !v.is_object()) return bad("not a JSON object");
    const json::object& o = v.as_object();
    std::string kind = Str(o, "kind");
    std::string why;
    if (!check.header)
      why = check.Header(o);
    else if (kind == "event")
      why = check.Event(o);
    else if (kind == "head")
      why = check.Head(o);
    else
      why = "unknown line kind '" + kind + "'";
    if (!why.empty()) return bad(why);
  }
  if (!check.header) return bad("empty export");
  if (!check.head) return bad("no head line: the export is truncated");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::fprintf(stderr,
                 "usage: ledger-export-check FILE.jsonl   (- for standard input)\n"
                 "Re-verifies a `ledgerctl export --format jsonl` file on its own.\n");
    return 2;
  }
  if (std::string(argv[1]) == "-") return Check(std::cin);
  std::ifstream in(argv[1]);
  if (!in) {
    std::fprintf(stderr, "ledger-export-check: cannot read %s\n", argv[1]);
    return 2;
  }
  return Check(in);
}
