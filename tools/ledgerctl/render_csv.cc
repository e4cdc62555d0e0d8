#include "tools/ledgerctl/render_csv.h"

#include <vector>

#include "tools/ledgerctl/json_read.h"

namespace tools {

namespace json = boost::json;

namespace {

// Scalars as text (null: empty), arrays joined with "; ".
std::string S(const json::value& v) {
  if (v.is_array()) {
    std::string out;
    for (const json::value& x : v.as_array()) out += (out.empty() ? "" : "; ") + S(x);
    return out;
  }
  return json_read::Text(v, "");
}
std::string S(const json::object& o, std::string_view key) { return S(json_read::Member(o, key)); }
const json::object& O(const json::object& o, std::string_view key) {
  return json_read::Object(json_read::Member(o, key));
}
const json::array& A(const json::object& o, std::string_view key) {
  return json_read::Array(json_read::Member(o, key));
}

class Csv {
 public:
  explicit Csv(std::vector<std::string> headers) { Add(headers); }
  void Add(const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) out_ += (i ? "," : "") + CsvCell(row[i]);
    out_ += "\r\n";
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace

std::string CsvCell(std::string_view text) {
  std::string cell;
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos)
    cell = "'";
  // Control characters other than tab and line feed (a terminal's escape sequences, C1 codes)
  // are written as visible \xHH: the CSV is printed to terminals too.
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    bool c1 = c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
              static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F || c1) {
      if (c1) c = static_cast<unsigned char>(text[++i]);
      cell += std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
    } else {
      cell += char(c);
    }
  }
  if (cell.find_first_of(",\"\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string FinesCsv(const json::object& doc) {
  Csv csv({"period", "day", "accrued_at", "complaint", "rule", "amount", "waived", "people",
           "departments", "evidence", "derived", "reason", "waived_by", "waiver_event",
           "waiver_reason", "line"});
  for (const json::value& v : A(doc, "lines")) {
    const json::object& l = json_read::Object(v);
    const json::object& w = O(l, "waiver");
    csv.Add({S(doc, "month"), S(l, "day"), S(l, "accrued_at"), S(l, "complaint"), S(l, "rule"),
             S(l, "amount"), S(l, "waived"), S(l, "people"), S(l, "departments"), S(l, "evidence"),
             S(l, "derived"), S(l, "reason"), S(w, "by"), S(w, "event"), S(w, "reason"),
             S(l, "id")});
  }
  return csv.Take();
}

std::string RewardsCsv(const json::object& doc) {
  Csv csv({"month", "department", "surveys", "customer_score", "platform_rating", "composite",
           "reward"});
  for (const json::value& v : A(doc, "departments")) {
    const json::object& r = json_read::Object(v);
    csv.Add({S(doc, "month"), S(r, "department"), S(r, "surveys"), S(r, "customer_score"),
             S(r, "platform_rating"), S(r, "composite"), S(r, "reward")});
  }
  return csv.Take();
}

std::string MetricsCsv(const json::object& doc) {
  Csv csv({"period", "project", "received", "closed", "closure_rate", "response_on_time_rate",
           "closure_on_time_rate", "mean_hours_to_first_response", "mean_hours_to_closure",
           "surveys", "satisfaction", "rank_by_closure_rate"});
  auto row = [&](const json::object& p, const std::string& name) {
    const json::object& on_time = O(p, "on_time");
    csv.Add({S(doc, "period"), name, S(p, "received"), S(p, "closed"), S(p, "closure_rate"),
             S(O(on_time, "response"), "rate"), S(O(on_time, "closure"), "rate"),
             S(p, "mean_hours_to_first_response"), S(p, "mean_hours_to_closure"),
             S(O(p, "survey"), "count"), S(O(p, "survey"), "mean"),
             S(O(p, "rank"), "closure_rate")});
  };
  for (const json::value& v : A(doc, "projects"))
    row(json_read::Object(v), S(json_read::Object(v), "project"));
  row(O(doc, "total"), "(all projects)");
  return csv.Take();
}

std::string FindingsCsv(const json::object& doc) {
  Csv csv({"at", "kind", "complaint", "evidence", "detail"});
  for (const json::value& v : A(doc, "findings")) {
    const json::object& f = json_read::Object(v);
    csv.Add({S(f, "at"), S(f, "kind"), S(f, "complaint"), S(f, "evidence"), S(f, "detail")});
  }
  return csv.Take();
}

std::string ResponsibilityCsv(const json::object& doc) {
  Csv csv({"complaint", "role", "person", "department", "from", "to", "met", "missed", "fines",
           "evidence"});
  for (const json::value& v : A(doc, "records")) {
    const json::object& r = json_read::Object(v);
    const json::object& outcome = O(r, "outcome");
    csv.Add({S(r, "complaint"), S(r, "role"), S(r, "person"), S(r, "department"), S(r, "from"),
             S(r, "to"), S(outcome, "met"), S(outcome, "missed"), S(outcome, "fines"),
             S(r, "evidence")});
  }
  return csv.Take();
}

}  // namespace tools
