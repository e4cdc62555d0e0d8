#include "tools/demo/texts.h"

#include <cstdio>
#include <map>
#include <vector>

#include "tools/demo/rng.h"

namespace demo {
namespace {

using Texts = std::vector<std::string>;

const Texts kSurnames = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                         "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"};
const Texts kGivenNames = {"伟", "芳",   "娜",   "敏",   "静",   "丽",   "强", "磊",
                           "军", "洋",   "勇",   "艳",   "杰",   "娟",   "涛", "明",
                           "超", "秀英", "建华", "志强", "海燕", "晓东", "丹", "鹏"};

struct CategoryTexts {
  Texts subjects, descriptions, demands;
  std::string plan_type;
  Texts plans, resolutions;
  std::string root_cause;
  Texts corrective;
};

const std::map<std::string, CategoryTexts>& Table() {
  static const auto* const kTable = new std::map<std::string, CategoryTexts>{
      {"sales_contract",
       {{"Contract terms differ from the sales promise", "Parking space not in the contract",
         "Deposit not refunded"},
        {"The sales consultant promised a gift package that the contract leaves out.",
         "The customer was told a parking space came with the unit."},
        {"Honour the promise in writing", "Refund the deposit"},
        "communicate",
        {"Review the sales file and meet the customer with the sales manager"},
        {"Supplementary agreement signed", "Deposit refunded in full"},
        "service_quality",
        {"Sales scripts reviewed; promises now recorded in the contract annex"}}},
      {"certificates",
       {{"Property certificate delayed", "Handover papers incomplete"},
        {"The property certificate was promised within 90 days of handover and is late.",
         "The handover pack lacks the quality guarantee and the user manual."},
        {"Issue the certificate", "Complete the papers"},
        "other",
        {"Chase the registry with the preparation department; weekly updates to the customer"},
        {"Certificate issued and delivered", "Missing papers delivered"},
        "service_quality",
        {"Certificate tracking sheet shared with customer service"}}},
      {"delayed_delivery",
       {{"Handover delayed", "Cracks in the living-room wall", "Construction noise at night"},
        {"Handover slipped by two months with no notice.",
         "Hairline cracks appeared on the wall after handover.",
         "Works continue after 22:00 next to occupied buildings."},
        {"Compensation for the delay", "Repair the wall", "Stop night works"},
        "repair",
        {"Inspect with the contractor, repair within the maintenance standard"},
        {"Wall repaired and repainted", "Night works stopped; schedule published"},
        "product_quality",
        {"Contractor quality checks added before handover"}}},
      {"planning_design",
       {{"Window layout changed from the brochure", "Balcony smaller than shown"},
        {"The built unit differs from the approved plan shown at sale.",
         "The balcony is 0.6 m narrower than on the sales drawings."},
        {"Explain the change", "Compensate the difference"},
        "communicate",
        {"Design review with the customer; explain approvals and options"},
        {"Design change explained with the approval documents"},
        "inspection_miss",
        {"Plan changes now announced to buyers in writing"}}},
      {"community_facilities",
       {{"Playground not built", "Clubhouse closed", "Insufficient street lighting"},
        {"The playground shown in the master plan is still a fenced lot.",
         "The clubhouse promised for residents is used as a sales office."},
        {"Build the facility", "Open the clubhouse"},
        "other",
        {"Publish a schedule for the remaining facilities"},
        {"Facility schedule published and works started"},
        "other",
        {"Facility delivery tracked at the monthly project meeting"}}},
      {"leasing",
       {{"Shop rent increase", "Air conditioning in the leased unit"},
        {"The tenant disputes the rent review under the lease.",
         "The central air conditioning in the shop fails every afternoon."},
        {"Keep the rent", "Repair the air conditioning"},
        "communicate",
        {"Review the lease terms with the tenant"},
        {"Rent review explained; instalment agreed"},
        "service_quality",
        {"Lease reviews announced three months ahead"}}},
      {"property_service",
       {{"Lift out of service", "Corridor lights off", "Garbage not collected",
         "Security guard absent", "Water pressure low"},
        {"The lift in building 3 has been out of service for two days.",
         "Garbage was not collected over the weekend.", "No guard at the north gate at night."},
        {"Repair the lift today", "Clean the area", "Staff the gate"},
        "repair",
        {"Dispatch the maintenance team; follow up by phone"},
        {"Lift repaired and inspected", "Area cleaned; schedule fixed", "Gate staffed"},
        "service_quality",
        {"Daily inspection checklist for the property team"}}},
      {"maintenance",
       {{"Water leak from the ceiling", "Bathroom tiles loose", "Door does not close",
         "Mould on the bedroom wall"},
        {"Water leaks from the bathroom ceiling when the upstairs neighbour showers.",
         "Several bathroom floor tiles came loose.", "The entrance door drags on the floor."},
        {"Repair under warranty", "Replace the tiles"},
        "repair",
        {"Inspect, repair under warranty, property company signs off"},
        {"Leak sealed and ceiling repainted", "Tiles replaced", "Door rehung"},
        "product_quality",
        {"Waterproofing checks added to the handover inspection"}}},
      {"service_attitude",
       {{"Rude staff member", "Staff ignored the request", "Staff argued with the customer"},
        {"The staff member at the front desk shouted at the customer.",
         "The staff member refused to register the request."},
        {"Apology", "Discipline the staff member"},
        "communicate",
        {"Talk with the staff member and apologise to the customer"},
        {"Apology made by the department head"},
        "staff_attitude",
        {"Service training for the team"}}},
      {"other",
       {{"Misdirected mail", "Noise from the neighbouring site", "Parking fee dispute"},
        {"Company mail was delivered to the wrong unit.",
         "The customer disputes the monthly parking fee."},
        {"Fix the problem", "Refund"},
        "other",
        {"Case by case: investigate and reply"},
        {"Explained and corrected"},
        "other",
        {"Process note issued"}}},
  };
  return *kTable;
}

const CategoryTexts& For(const std::string& category) {
  auto it = Table().find(category);
  return it == Table().end() ? Table().at("other") : it->second;
}

}  // namespace

Complainant DrawComplainant(Rng& rng) {
  Complainant c;
  c.name = rng.Pick(kSurnames) + rng.Pick(kGivenNames);
  char buf[32];
  std::snprintf(buf, sizeof buf, "1%d%09d", int(rng.Int(3, 9)), int(rng.Int(0, 999999999)));
  c.phone = buf;
  std::snprintf(buf, sizeof buf, "%d-%d%02d", int(rng.Int(1, 18)), int(rng.Int(2, 32)),
                int(rng.Int(1, 4)));
  c.unit = buf;
  c.is_owner = rng.Chance(0.9);
  return c;
}

Issue DrawIssue(Rng& rng, const std::string& category) {
  const CategoryTexts& t = For(category);
  return {rng.Pick(t.subjects), rng.Pick(t.descriptions), rng.Pick(t.demands)};
}

Handling DrawHandling(Rng& rng, const std::string& category) {
  const CategoryTexts& t = For(category);
  return {t.plan_type, rng.Pick(t.plans), rng.Pick(t.resolutions), t.root_cause,
          rng.Pick(t.corrective)};
}

std::string Yuan(int64_t yuan) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.00", (long long)yuan);
  return buf;
}

std::string DrawProgressNote(Rng& rng) {
  static const Texts kNotes = {
      "Site visit done; materials ordered", "Contractor scheduled for the repair",
      "Customer called with an update",     "Waiting for the supplier's parts",
      "Work in progress; half done",        "Met the customer on site"};
  return rng.Pick(kNotes);
}

std::string DrawResponseSummary(Rng& rng) {
  static const Texts kSummaries = {"Called the customer, acknowledged the complaint",
                                   "Visited the customer and explained the next steps",
                                   "Replied on WeChat with the handling timeline",
                                   "Called back and agreed a site visit"};
  return rng.Pick(kSummaries);
}

std::string DrawLowScoreReason(Rng& rng) {
  static const Texts kReasons = {"Took too long", "Had to call three times",
                                 "The repair did not last", "Staff were impatient"};
  return rng.Pick(kReasons);
}

}  // namespace demo
