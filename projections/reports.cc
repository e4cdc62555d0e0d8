#include "projections/reports.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <set>

namespace projections {

using domain::ClockKind;

ledger::Result<Period> ParsePeriod(std::string_view text, std::chrono::minutes offset) {
  using namespace std::chrono;
  Period p;
  p.key = std::string(text);
  if (text.size() == 4) {
    int y = 0;
    for (char c : text) y = (c >= '0' && c <= '9') ? y * 10 + (c - '0') : -100000;
    if (y > 0) {
      p.start = ledger::FromCivil(year(y) / January / 1, ledger::Duration(0), offset);
      p.end = ledger::FromCivil(year(y + 1) / January / 1, ledger::Duration(0), offset);
      return p;
    }
  }
  LEDGER_ASSIGN_OR_RETURN(year_month ym, ledger::ParseMonth(text));
  year_month next = ym + months(1);
  p.start = ledger::FromCivil(ym / 1, ledger::Duration(0), offset);
  p.end = ledger::FromCivil(next / 1, ledger::Duration(0), offset);
  return p;
}

ledger::Status CheckPeriodInPolicy(const Period& period, const domain::Policy& policy, Time now) {
  const int now_year = int(ledger::CivilDate(now, policy.calendar.utc_offset).year());
  const int last = std::max(policy.calendar.last_year, now_year + 1);
  const int year = int(ledger::CivilDate(period.start, policy.calendar.utc_offset).year());
  if (year >= policy.calendar.first_year && year <= last) return ledger::Status::Ok();
  std::string message = "month " + period.key + " is outside the years the policy covers (" +
                        std::to_string(policy.calendar.first_year) + " to " + std::to_string(last) +
                        ")";
  return ledger::Status::WithErrors(ledger::Code::kInvalidArgument, message,
                                    {{"month", "outside_policy", message}});
}

FinesReport FinesFor(const Period& month, std::vector<domain::FineLine> lines,
                     const std::string& department, const std::string& person) {
  FinesReport r;
  r.month = month.key;
  auto named = [](const std::vector<std::string>& list, const std::string& x) {
    return x.empty() || std::find(list.begin(), list.end(), x) != list.end();
  };
  // Sort pointers, then move each line once: a line is a dozen strings and vectors.
  std::vector<domain::FineLine*> kept;
  for (domain::FineLine& l : lines)
    if (month.Contains(l.accrued) && named(l.departments, department) && named(l.people, person))
      kept.push_back(&l);
  std::sort(kept.begin(), kept.end(), [](const domain::FineLine* a, const domain::FineLine* b) {
    return a->accrued != b->accrued ? a->accrued < b->accrued : a->id < b->id;
  });
  r.lines.reserve(kept.size());
  for (domain::FineLine* l : kept) r.lines.push_back(std::move(*l));
  for (const domain::FineLine& l : r.lines) {
    domain::Money amount = std::max<domain::Money>(l.amount, 0);
    auto add = [&](Tally& t) {
      (l.waived ? t.waived : t.total) += amount;
      ++t.lines;
    };
    for (const std::string& p : l.people) add(r.by_person[p]);
    for (const std::string& d : l.departments) add(r.by_department[d]);
    (l.waived ? r.waived : r.total) += amount;
  }
  return r;
}

ledger::Result<LineCursor> ParseLineCursor(const std::string& cursor) {
  const size_t comma = cursor.find(',');
  int64_t micros = 0;
  const size_t from = !cursor.empty() && cursor[0] == '-' ? 1 : 0;  // instants before 1970
  bool digits = comma != std::string::npos && comma > from && comma + 1 < cursor.size();
  for (size_t i = from; digits && i < comma; ++i) {
    if (cursor[i] < '0' || cursor[i] > '9' || micros > (INT64_MAX - 9) / 10)
      digits = false;
    else
      micros = micros * 10 + (cursor[i] - '0');
  }
  if (!digits)
    return ledger::Status::InvalidArgument(
        "cursor: not a cursor of this report (pass back the next_cursor of the previous page)");
  return LineCursor{ledger::FromMicros(from == 1 ? -micros : micros), cursor.substr(comma + 1)};
}

std::string LineCursorOf(const domain::FineLine& line) {
  return std::to_string(ledger::ToMicros(line.accrued)) + "," + line.id;
}

ledger::Result<std::string> KeepLinePage(FinesReport& r, const std::string& cursor, size_t limit) {
  auto first = r.lines.begin();
  if (!cursor.empty()) {
    LEDGER_ASSIGN_OR_RETURN(LineCursor after, ParseLineCursor(cursor));
    first = std::upper_bound(r.lines.begin(), r.lines.end(), after,
                             [](const LineCursor& key, const domain::FineLine& l) {
                               return key.accrued != l.accrued ? key.accrued < l.accrued
                                                               : key.id < l.id;
                             });
  }
  const size_t begin = size_t(first - r.lines.begin());
  const size_t end = std::min(r.lines.size(), begin + limit);
  std::string next;
  if (end < r.lines.size() && end > begin) next = LineCursorOf(r.lines[end - 1]);
  r.lines.erase(r.lines.begin() + std::ptrdiff_t(end), r.lines.end());
  r.lines.erase(r.lines.begin(), r.lines.begin() + std::ptrdiff_t(begin));
  return next;
}

std::vector<RewardRow> RewardsFor(const Period& month, const std::vector<ComplaintFacts>& facts,
                                  const Ratings& ratings, const domain::Policy& policy) {
  std::map<std::string, RewardRow> rows;
  const auto& excluded = policy.rewards.excluded_departments;
  for (const domain::Department& d : policy.organisation.departments) {
    if (std::find(excluded.begin(), excluded.end(), d.id) != excluded.end()) continue;
    rows[d.id].department = d.id;
  }
  std::map<std::string, int64_t> sums;  // sum over surveys of (Q3+Q4+Q5), per department
  for (const ComplaintFacts& f : facts) {
    if (!f.survey || !month.Contains(f.survey->at)) continue;
    auto it = rows.find(f.department);
    if (it == rows.end()) continue;
    ++it->second.surveys;
    it->second.complaints.push_back(f.id);
    sums[f.department] += f.survey->timeliness + f.survey->plan + f.survey->attitude;
  }
  std::vector<RewardRow> out;
  for (auto& [dept, row] : rows) {
    if (row.surveys > 0) {
      // mean of (Q3+Q4+Q5)/3 x 10, in hundredths, rounded half up: sum * 1000 / (3 n).
      int64_t den = 3 * int64_t(row.surveys);
      row.customer_score = (sums[dept] * 1000 * 2 + den) / (2 * den);
    }
    if (auto r = ratings.find({dept, month.key}); r != ratings.end()) {
      row.platform_rating = r->second.score;
      row.rating_position = r->second.position;
    }
    if (row.customer_score && row.platform_rating) {
      int64_t num = policy.rewards.customer_weight_percent * *row.customer_score +
                    policy.rewards.platform_weight_percent * *row.platform_rating;
      row.composite = (num * 2 + 100) / 200;  // /100, rounded half up
      row.reward = policy.rewards.RewardFor(*row.composite);
    }
    std::sort(row.complaints.begin(), row.complaints.end());
    out.push_back(std::move(row));
  }
  return out;
}

namespace {

double Hours(ledger::Duration d) { return double(d.count()) / 3.6e9; }

struct Accumulator {
  ProjectMetrics m;
  double response_hours = 0, closure_hours = 0;
  int responses = 0, closures = 0;
  int64_t timeliness = 0, plan = 0, attitude = 0;

  void Add(const ComplaintFacts& f, const Period& period) {
    if (period.Contains(f.received) && f.valid) {
      ++m.received;
      if (f.closed) {
        ++m.closed;
        closure_hours += Hours(*f.closed - f.received);
        ++closures;
      }
      if (f.first_response) {
        response_hours += Hours(*f.first_response - f.received);
        ++responses;
      }
      for (int k = 0; k < domain::kClockKindCount; ++k) {
        ClockRate& r = m.on_time[std::string(domain::ClockKindName(ClockKind(k)))];
        r.met += f.met[k];
        r.missed += f.missed[k];
      }
    }
    if (f.survey && period.Contains(f.survey->at)) {
      ++m.surveys;
      timeliness += f.survey->timeliness;
      plan += f.survey->plan;
      attitude += f.survey->attitude;
    }
  }

  ProjectMetrics Finish() {
    if (m.received > 0)
      m.closure_rate = (int64_t(m.closed) * 20000 + m.received) / (2 * m.received);
    if (responses > 0) m.mean_hours_to_response = response_hours / responses;
    if (closures > 0) m.mean_hours_to_closure = closure_hours / closures;
    if (m.surveys > 0) {
      m.mean_timeliness = double(timeliness) / m.surveys;
      m.mean_plan = double(plan) / m.surveys;
      m.mean_attitude = double(attitude) / m.surveys;
      m.mean_score = double(timeliness + plan + attitude) / (3.0 * m.surveys);
    }
    return m;
  }
};

using MetricKey = std::optional<double> (*)(const ProjectMetrics&);

// Competition ranking 1..n (ties share the better rank); projects without a value come last.
void Rank(std::vector<ProjectMetrics>& projects, MetricKey key, bool higher_is_better,
          int ProjectMetrics::*rank) {
  std::vector<size_t> order(projects.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    std::optional<double> ka = key(projects[a]), kb = key(projects[b]);
    if (ka.has_value() != kb.has_value()) return ka.has_value();
    if (!ka) return false;
    return higher_is_better ? *ka > *kb : *ka < *kb;
  });
  for (size_t i = 0; i < order.size(); ++i) {
    ProjectMetrics& p = projects[order[i]];
    bool tie = i > 0 && key(p) == key(projects[order[i - 1]]);
    p.*rank = tie ? projects[order[i - 1]].*rank : int(i + 1);
  }
}

std::optional<double> ClosureRate(const ProjectMetrics& p) {
  return p.closure_rate ? std::optional<double>(double(*p.closure_rate)) : std::nullopt;
}
std::optional<double> Efficiency(const ProjectMetrics& p) { return p.mean_hours_to_closure; }
std::optional<double> Satisfaction(const ProjectMetrics& p) { return p.mean_score; }

}  // namespace

MetricsReport MetricsFor(const Period& period, const std::vector<ComplaintFacts>& facts,
                         const std::string& project) {
  std::map<std::string, Accumulator> by_project;
  Accumulator total;
  total.m.project = "*";
  for (const ComplaintFacts& f : facts) {
    if (!project.empty() && f.project != project) continue;
    Accumulator& a = by_project[f.project];
    a.m.project = f.project;
    a.Add(f, period);
    total.Add(f, period);
  }
  MetricsReport r;
  r.period = period.key;
  for (auto& [id, a] : by_project) r.projects.push_back(a.Finish());
  r.total = total.Finish();
  Rank(r.projects, ClosureRate, true, &ProjectMetrics::rank_closure);
  Rank(r.projects, Efficiency, false, &ProjectMetrics::rank_efficiency);
  Rank(r.projects, Satisfaction, true, &ProjectMetrics::rank_satisfaction);
  return r;
}

std::vector<Finding> FindingsIn(std::vector<Finding> findings, std::optional<Time> from,
                                std::optional<Time> to) {
  std::vector<Finding> out;
  for (Finding& f : findings)
    if ((!from || f.at >= *from) && (!to || f.at < *to)) out.push_back(std::move(f));
  std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    return a.at != b.at ? a.at < b.at : a.complaint < b.complaint;
  });
  return out;
}

}  // namespace projections
