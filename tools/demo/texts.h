// Texts: the words of the demo's complaints — complainants' names, subjects, descriptions,
// demands, plans and resolutions per category — chosen at random from small tables.
//
// Thread-safety: free functions over constant tables.
#pragma once

#include <cstdint>
#include <string>

namespace demo {

class Rng;

struct Complainant {
  std::string name, phone, unit;
  bool is_owner = true;
};

// A complainant with a Chinese name, a mobile number and a unit ("3-1502").
Complainant DrawComplainant(Rng& rng);

// What a complaint of `category` is about.
struct Issue {
  std::string subject, description, demands;
};
Issue DrawIssue(Rng& rng, const std::string& category);

// A handling plan, a resolution and a corrective action that fit `category`.
struct Handling {
  std::string plan_type, plan, resolution, root_cause, corrective_action;
};
Handling DrawHandling(Rng& rng, const std::string& category);

// "1300.00" for 1300 yuan: money as the actions write it.
std::string Yuan(int64_t yuan);

// A short progress note, a first-response summary, a reason a customer gives for a low score.
std::string DrawProgressNote(Rng& rng);
std::string DrawResponseSummary(Rng& rng);
std::string DrawLowScoreReason(Rng& rng);

}  // namespace demo
