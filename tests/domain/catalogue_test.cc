// The action catalogue against the code that uses it: the deciders read exactly the fields the
// catalogue lists (name, type, required, limits, vocabulary), every catalogue action has a
// decider and every decider an entry, the events named exist, and the vocabularies are sound.
#include "ledger/domain/catalogue.h"

#include <capnp/schema.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "domain/domain_harness.h"
#include "ledger/domain/action_reader.h"
#include "ledger/domain/event_view.h"
#include "ledger/domain/vocabulary.h"

namespace {

using namespace testing_util;

// One line per field, comparable: "complainant.name text required max=200".
std::string Describe(const std::string& path, FieldType type, bool required, int64_t max,
                     int64_t min, std::optional<Vocab> vocab) {
  std::ostringstream out;
  out << path << " " << FieldTypeName(type) << (required ? " required" : " optional");
  if (max != 0 || min != 0) out << " max=" << max << " min=" << min;
  if (vocab) out << " vocab=" << GetVocabulary(*vocab).name;
  return out.str();
}

// The catalogue's fields, flattened ("target.kind"), as Describe lines. A kObject appears
// itself and then its members; bounds the policy sets are taken from `policy`.
void Expected(std::span<const FieldSpec> fields, const std::string& prefix, const Policy& policy,
              std::multiset<std::string>* out) {
  for (const FieldSpec& f : fields) {
    std::string path = prefix + std::string(f.name);
    int64_t max = f.max == kPolicyBound ? policy.survey.max_score : f.max;
    int64_t min = f.min == kPolicyBound ? policy.survey.min_score : f.min;
    if (f.type == FieldType::kObject || f.type == FieldType::kNumber ||
        f.type == FieldType::kVersion || f.type == FieldType::kBool ||
        f.type == FieldType::kMoney || f.type == FieldType::kTime || f.type == FieldType::kCode)
      max = min = 0;  // no numeric limit passes through the reader for these
    out->insert(Describe(path, f.type, f.required, max, min, f.vocab));
    if (f.type == FieldType::kObject) Expected(f.members, path + ".", policy, out);
  }
}

std::multiset<std::string> Observed(const std::vector<FieldRead>& reads) {
  std::multiset<std::string> out;
  for (const FieldRead& r : reads)
    out.insert(Describe(r.field, r.type, r.required, r.max, r.min, r.vocab));
  return out;
}

// A valid-looking value of each field, so that every nested object is present and read.
boost::json::value Sample(const FieldSpec& f, Time now) {
  switch (f.type) {
    case FieldType::kText:
      return "x";
    case FieldType::kCode:
      return boost::json::string(GetVocabulary(*f.vocab).codes.front().code);
    case FieldType::kCodeList:
      return boost::json::array{boost::json::string(GetVocabulary(*f.vocab).codes.front().code)};
    case FieldType::kTextList:
      return boost::json::array{"a"};
    case FieldType::kBool:
      return true;
    case FieldType::kInt:
      return f.min == kPolicyBound ? 5 : f.min;
    case FieldType::kMoney:
      return "1.00";
    case FieldType::kTime:
      return boost::json::string(ledger::FormatRfc3339(now, std::chrono::hours(8)));
    case FieldType::kNumber:
      return 50;
    case FieldType::kVersion:
      return "any";
    case FieldType::kObject: {
      boost::json::object o;
      for (const FieldSpec& m : f.members) o[m.name] = Sample(m, now);
      return o;
    }
  }
  return nullptr;
}

// A role the default policy lets do `type`, among the harness's people (department holders
// act for the assigned department, "property").
Actor AllowedActor(const Policy& policy, std::string_view type) {
  for (const Actor& a :
       {CsAgent(), CsHead(), Intake(), Handler(), DeptHead(), DeputyGm(), Gm(), DataProtection()})
    if (policy.RoleMay(a.role, type)) return a;
  return {"nobody", "nobody", ""};
}

std::string Diff(const std::multiset<std::string>& want, const std::multiset<std::string>& got) {
  std::string out;
  for (const std::string& w : want)
    if (got.count(w) < want.count(w)) out += "  in the catalogue, not read so: " + w + "\n";
  for (const std::string& g : got)
    if (want.count(g) < got.count(g)) out += "  read so, not in the catalogue: " + g + "\n";
  return out;
}

TEST(CatalogueTest, DecidersReadExactlyTheCataloguedFields) {
  for (const ActionSpec& spec : Actions()) {
    SCOPED_TRACE(std::string(spec.type));
    Complaint c;
    if (spec.target == ActionTarget::kComplaint) c.ReceiveAndAssign();
    boost::json::object fields;
    fields["type"] = boost::json::string(spec.type);
    for (const FieldSpec& f : spec.fields) fields[f.name] = Sample(f, c.now());
    auto action = ParseAction(fields);
    ASSERT_TRUE(action.ok()) << action.status().ToString();

    std::vector<FieldRead> reads;
    SetReadObserver(&reads);
    DecideInput in{&c.state(), &c.policy(), 1,    &c.policy(), AllowedActor(c.policy(), spec.type),
                   c.now(),    {},          false};
    auto decision = Decide(*action, in);
    SetReadObserver(nullptr);
    // Whatever the decider concluded, it read its input first; an unknown-field error would mean
    // the sample (the catalogue) carried a field the decider does not read.
    for (const ledger::FieldError& e : decision.status().errors())
      EXPECT_NE(e.rule, "unknown_field") << e.field << ": " << e.message;

    std::multiset<std::string> want;
    Expected(spec.fields, "", c.policy(), &want);
    EXPECT_EQ(Diff(want, Observed(reads)), "") << decision.status().ToString();
  }
}

TEST(CatalogueTest, TheCommonAndImportFieldsAreTheOnesParseActionReads) {
  Complaint c;
  boost::json::object fields;
  for (const FieldSpec& f : CommonFields()) fields[f.name] = Sample(f, c.now());
  for (const FieldSpec& f : ImportFields()) fields[f.name] = Sample(f, c.now());
  fields["type"] = "transmit";
  std::vector<FieldRead> reads;
  SetReadObserver(&reads);
  auto action = ParseAction(fields, /*import_line=*/true);
  SetReadObserver(nullptr);
  ASSERT_TRUE(action.ok()) << action.status().ToString();
  std::multiset<std::string> want;
  Expected(CommonFields(), "", c.policy(), &want);
  Expected(ImportFields(), "", c.policy(), &want);
  EXPECT_EQ(Diff(want, Observed(reads)), "");
}

TEST(CatalogueTest, AnImportLineNamesAComplaintOnlyForAnActionOnOne) {
  for (const ActionSpec& spec : Actions()) {
    boost::json::object line{{"type", boost::json::string(spec.type)},
                             {"actor", {{"id", "u-cs-1"}, {"role", "cs_agent"}}}};
    auto action = ParseAction(line, /*import_line=*/true);
    bool on_complaint = spec.target == ActionTarget::kComplaint;
    EXPECT_EQ(action.ok(), !on_complaint) << spec.type << ": " << action.status().ToString();
    if (on_complaint) {
      EXPECT_TRUE(Names(action.status(), "complaint", "required")) << spec.type;
    }
  }
}

TEST(CatalogueTest, TheCheckCatchesAFieldTheCatalogueDoesNotList) {
  // The comparison itself must be able to fail: a read the table lacks is reported.
  std::multiset<std::string> want = {Describe("a", FieldType::kText, true, 200, 0, {})};
  std::multiset<std::string> got = want;
  got.insert(Describe("b", FieldType::kBool, false, 0, 0, {}));
  EXPECT_NE(Diff(want, got).find("read so, not in the catalogue: b bool optional"),
            std::string::npos);
  EXPECT_NE(Diff(got, want).find("in the catalogue, not read so: b bool optional"),
            std::string::npos);
}

TEST(CatalogueTest, EveryActionHasADeciderAndEveryDeciderAnAction) {
  std::set<std::string> catalogued;
  for (const ActionSpec& a : Actions())
    EXPECT_TRUE(catalogued.insert(std::string(a.type)).second) << a.type << " is listed twice";
  std::vector<std::string> deciders = DeciderTypes();
  EXPECT_EQ(std::set<std::string>(deciders.begin(), deciders.end()), catalogued);
  for (const std::string& type : catalogued) {
    EXPECT_TRUE(IsActionType(type)) << type;
    EXPECT_TRUE(IsKnownActionType(type)) << type;
  }
}

TEST(CatalogueTest, TheEventsNamedExistAndEachActionRecordsItsOwn) {
  std::set<std::string_view> recorded_by_some_action;
  for (const ActionSpec& a : Actions()) {
    EXPECT_FALSE(a.events.empty()) << a.type;
    for (std::string_view e : a.events) {
      EXPECT_TRUE(ParseEventType(e).has_value()) << a.type << " names unknown event " << e;
      recorded_by_some_action.insert(e);
    }
  }
  // The events no action records are the ledger's own.
  std::set<std::string_view> own = {"LevelEscalated", "PolicyPublished", "ImportRecorded",
                                    "FineStatementPublished", "SigningKeyChanged"};
  for (std::string_view e : own) EXPECT_EQ(recorded_by_some_action.count(e), 0u) << e;
}

TEST(CatalogueTest, EveryEventOfTheSchemaHasItsName) {
  // The event names are a vocabulary too: one per member of DomainEvent's union, both ways.
  auto fields = capnp::Schema::from<schema::DomainEvent>().getUnionFields();
  ASSERT_GT(fields.size(), 0u);
  for (capnp::StructSchema::Field f : fields) {
    auto which = static_cast<schema::DomainEvent::Which>(f.getProto().getDiscriminantValue());
    std::string_view name = EventTypeName(which);
    EXPECT_NE(name, "Unknown") << f.getProto().getName().cStr();
    EXPECT_EQ(ParseEventType(name), which) << name;
  }
}

TEST(CatalogueTest, AnActionRecordsOnlyTheEventsItsEntryNames) {
  // The usual path: each decision's events are among those its action's entry lists (or the
  // ledger's own escalation).
  Complaint c;
  auto check = [&](const std::string& json, const Actor& actor) {
    auto action = ParseActionText(json);
    ASSERT_TRUE(action.ok());
    const ActionSpec* spec = FindAction(action->type);
    ASSERT_NE(spec, nullptr);
    Decision d = c.Do(json, actor);
    for (const std::string& type : TypesOf(d)) {
      if (type == "LevelEscalated") continue;
      EXPECT_NE(std::find(spec->events.begin(), spec->events.end(), type), spec->events.end())
          << spec->type << " recorded " << type;
    }
  };
  check(R"({"type":"receive","channel":"hotline","complainant":{"name":"Li"},
            "project":"p-lakeside","subject":"Leak","description":"Water leak",
            "receiving_department":"customer_service","flags":["media"]})",
        CsAgent());
  check(R"({"type":"assess_validity","valid":true})", CsAgent());
  check(R"({"type":"classify","category":"maintenance"})", CsAgent());
  check(R"({"type":"assign","department":"property","handler":"u-handler-1"})", CsAgent());
  check(R"({"type":"respond","channel":"phone","summary":"called"})", Handler());
  check(R"({"type":"add_flag","flag":"litigation"})", CsAgent());
}

TEST(CatalogueTest, VocabulariesAreSound) {
  std::set<std::string_view> names;
  for (const Vocabulary& v : Vocabularies()) {
    EXPECT_TRUE(names.insert(v.name).second) << v.name;
    EXPECT_FALSE(v.codes.empty()) << v.name;
    std::set<std::string_view> codes;
    for (const VocabCode& c : v.codes) {
      EXPECT_TRUE(codes.insert(c.code).second) << v.name << ": " << c.code << " twice";
      EXPECT_FALSE(c.meaning.empty()) << v.name << ": " << c.code;
      for (char ch : c.code)
        EXPECT_TRUE((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')
            << v.name << ": " << c.code;
    }
  }
  EXPECT_TRUE(InVocabulary(Vocab::kChannel, "hotline"));
  EXPECT_FALSE(InVocabulary(Vocab::kChannel, "Hotline"));
  EXPECT_EQ(CodeList(Vocab::kPauseReason), "awaiting_customer, litigation");
}

TEST(CatalogueTest, EveryCodeFieldNamesAVocabularyAndOnlyThey) {
  auto check = [](std::span<const FieldSpec> fields, std::string_view action, auto& self) -> void {
    for (const FieldSpec& f : fields) {
      bool coded = f.type == FieldType::kCode || f.type == FieldType::kCodeList;
      EXPECT_EQ(f.vocab.has_value(), coded) << action << "." << f.name;
      EXPECT_FALSE(f.meaning.empty()) << action << "." << f.name;
      EXPECT_EQ(f.members.empty(), f.type != FieldType::kObject) << action << "." << f.name;
      self(f.members, action, self);
    }
  };
  for (const ActionSpec& a : Actions()) check(a.fields, a.type, check);
  check(CommonFields(), "common", check);
  check(ImportFields(), "import", check);
}

}  // namespace
