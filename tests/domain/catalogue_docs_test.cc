// The docs' action tables are the catalogue's: docs/actions.md (between "<!-- catalogue:begin -->"
// and "<!-- catalogue:end -->") and the Action schemas of docs/openapi.yaml (between
// "# catalogue:begin" and "# catalogue:end") are rendered here from ledger/domain/catalogue.h and
// compared with the files. LEDGER_UPDATE_GOLDEN=1 writes the rendering into them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "ledger/domain/catalogue.h"
#include "ledger/domain/policy.h"
#include "ledger/domain/vocabulary.h"

namespace {

using namespace ledger::domain;

std::string Limits(const FieldSpec& f) {
  switch (f.type) {
    case FieldType::kText:
      return "≤ " + std::to_string(f.max) + " bytes";
    case FieldType::kCode:
      return "one of `" + std::string(GetVocabulary(*f.vocab).name) + "`";
    case FieldType::kCodeList:
      return "≤ " + std::to_string(f.max) + " of `" + std::string(GetVocabulary(*f.vocab).name) +
             "`";
    case FieldType::kTextList:
      return "≤ " + std::to_string(f.max) + " items";
    case FieldType::kInt:
    case FieldType::kNumber:
      if (f.min == kPolicyBound) return "the policy's survey range";
      return std::to_string(f.min) + " to " +
             (f.max == std::numeric_limits<int64_t>::max() ? std::string("any")
                                                           : std::to_string(f.max));
    default:
      return "";
  }
}

void FieldRows(std::span<const FieldSpec> fields, const std::string& prefix, std::ostream& out) {
  for (const FieldSpec& f : fields) {
    out << "| `" << prefix << f.name << "` | " << FieldTypeName(f.type) << " | "
        << (f.required ? "yes" : "") << " | " << Limits(f) << " | " << f.meaning << " |\n";
    if (f.type == FieldType::kObject) FieldRows(f.members, prefix + std::string(f.name) + ".", out);
  }
}

std::string_view TargetText(ActionTarget t) {
  switch (t) {
    case ActionTarget::kNewComplaint:
      return "Opens a complaint (`POST /v1/complaints`).";
    case ActionTarget::kComplaint:
      return "Applies to a complaint (`POST /v1/complaints/{id}/actions`).";
    case ActionTarget::kDepartment:
      return "Applies to a department's month (`POST /v1/ratings`).";
    case ActionTarget::kSubject:
      return "Applies to a data subject (`POST /v1/privacy/actions`; docs/privacy.md).";
  }
  return "";
}

std::string Markdown() {
  std::ostringstream out;
  const Policy& policy = *DefaultPolicy();
  out << "\n## Fields every action carries\n\n";
  out << "| field | type | required | limits | meaning |\n| --- | --- | --- | --- | --- |\n";
  FieldRows(CommonFields(), "", out);
  out << "\nAn import line (`ledgerctl import`) also carries:\n\n";
  out << "| field | type | required | limits | meaning |\n| --- | --- | --- | --- | --- |\n";
  FieldRows(ImportFields(), "", out);
  out << "\n## The actions\n";
  for (const ActionSpec& a : Actions()) {
    out << "\n### `" << a.type << "`: " << a.summary << "\n\n";
    out << TargetText(a.target);
    if (a.target == ActionTarget::kComplaint)
      out << (a.when_closed ? " Accepted by a closed complaint." : " Needs an open complaint.");
    out << " Records";
    for (size_t i = 0; i < a.events.size(); ++i) out << (i ? ", `" : " `") << a.events[i] << "`";
    out << ". Default policy: ";
    std::string roles;
    for (const VocabCode& r : kRoleCodes)
      if (policy.RoleMay(r.code, a.type))
        roles += (roles.empty() ? "" : ", ") + std::string(r.code);
    out << (roles.empty() ? std::string("no role") : roles) << ".\n\n";
    out << "| field | type | required | limits | meaning |\n| --- | --- | --- | --- | --- |\n";
    FieldRows(a.fields, "", out);
  }
  out << "\n## The vocabularies\n";
  for (const Vocabulary& v : Vocabularies()) {
    out << "\n### `" << v.name << "`: " << v.meaning << "\n\n| code | meaning |\n| --- | --- |\n";
    for (const VocabCode& c : v.codes) out << "| `" << c.code << "` | " << c.meaning << " |\n";
  }
  out << "\n";
  return out.str();
}

// `s` as a double-quoted YAML scalar: a plain one ends at ": " or " #" ("reopen a closed
// complaint: a new cycle" made a mapping key and the whole document unparseable).
std::string YamlQuoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// One OpenAPI property line (six spaces already written by the caller's indent).
void YamlProperty(const FieldSpec& f, const std::string& indent, std::ostream& out) {
  out << indent << f.name << ":";
  switch (f.type) {
    case FieldType::kText:
      out << " {type: string, maxLength: " << f.max << "}\n";
      return;
    case FieldType::kCode: {
      out << "\n" << indent << "  type: string\n" << indent << "  enum: [";
      const Vocabulary& v = GetVocabulary(*f.vocab);
      for (size_t i = 0; i < v.codes.size(); ++i) out << (i ? ", " : "") << v.codes[i].code;
      out << "]\n";
      return;
    }
    case FieldType::kCodeList: {
      out << "\n" << indent << "  type: array\n" << indent << "  maxItems: " << f.max << "\n";
      out << indent << "  uniqueItems: true\n" << indent << "  items:\n";
      out << indent << "    type: string\n" << indent << "    enum: [";
      const Vocabulary& v = GetVocabulary(*f.vocab);
      for (size_t i = 0; i < v.codes.size(); ++i) out << (i ? ", " : "") << v.codes[i].code;
      out << "]\n";
      return;
    }
    case FieldType::kTextList:
      out << " {type: array, maxItems: " << f.max
          << ", uniqueItems: true, items: {type: string, maxLength: 200}}\n";
      return;
    case FieldType::kBool:
      out << " {type: boolean}\n";
      return;
    case FieldType::kInt:
      if (f.min == kPolicyBound) {
        out << " {type: integer, description: within the policy's survey range}\n";
      } else {
        out << " {type: integer, minimum: " << f.min;
        if (f.max != std::numeric_limits<int64_t>::max()) out << ", maximum: " << f.max;
        out << "}\n";
      }
      return;
    case FieldType::kNumber:
      out << " {type: number, minimum: " << f.min << ", maximum: " << f.max << "}\n";
      return;
    case FieldType::kMoney:
      out << " {type: string, pattern: '^[0-9]+\\.[0-9]{2}$', example: '1300.00'}\n";
      return;
    case FieldType::kTime:
      out << " {type: string, format: date-time}\n";
      return;
    case FieldType::kVersion:
      out << "\n" << indent << "  oneOf:\n" << indent << "    - {type: integer, minimum: 0}\n";
      out << indent << "    - {type: string, enum: [any, no_stream, exists]}\n";
      return;
    case FieldType::kObject: {
      out << "\n" << indent << "  type: object\n" << indent << "  additionalProperties: false\n";
      std::string required;
      for (const FieldSpec& m : f.members)
        if (m.required) required += (required.empty() ? "" : ", ") + std::string(m.name);
      if (!required.empty()) out << indent << "  required: [" << required << "]\n";
      out << indent << "  properties:\n";
      for (const FieldSpec& m : f.members) YamlProperty(m, indent + "    ", out);
      return;
    }
  }
}

std::string Yaml() {
  std::ostringstream out;
  const std::string in = "    ";
  out << in << "Action:\n" << in << "  description: >-\n";
  out << in << "    An action (docs/actions.md), one schema per type; generated from the action\n";
  out << in << "    catalogue (GET /v1/catalogue serves the same, with the roles of the policy).\n";
  out << in << "  oneOf:\n";
  for (const ActionSpec& a : Actions())
    out << in << "    - {$ref: \"#/components/schemas/Action_" << a.type << "\"}\n";
  out << in << "  discriminator:\n" << in << "    propertyName: type\n" << in << "    mapping:\n";
  for (const ActionSpec& a : Actions())
    out << in << "      " << a.type << ": \"#/components/schemas/Action_" << a.type << "\"\n";
  for (const ActionSpec& a : Actions()) {
    out << in << "Action_" << a.type << ":\n" << in << "  type: object\n";
    out << in << "  description: " << YamlQuoted(a.summary) << "\n";
    out << in << "  additionalProperties: false\n";
    std::string required = "type";
    for (const FieldSpec& f : a.fields)
      if (f.required) required += ", " + std::string(f.name);
    out << in << "  required: [" << required << "]\n" << in << "  properties:\n";
    out << in << "    type: {type: string, enum: [" << a.type << "]}\n";
    for (const FieldSpec& f : CommonFields())
      if (f.name != "type") YamlProperty(f, in + "    ", out);
    for (const FieldSpec& f : a.fields) YamlProperty(f, in + "    ", out);
  }
  return out.str();
}

// Replaces or checks the text between the lines holding `begin` and `end` in `path`.
void CheckBlock(const std::string& path, const std::string& begin, const std::string& end,
                const std::string& rendered) {
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  size_t b = text.find(begin);
  ASSERT_NE(b, std::string::npos) << path << " has no " << begin;
  b = text.find('\n', b) + 1;
  size_t e = text.find(end, b);
  ASSERT_NE(e, std::string::npos) << path << " has no " << end;
  e = text.rfind('\n', e) + 1;
  if (std::getenv("LEDGER_UPDATE_GOLDEN")) {
    text.replace(b, e - b, rendered);
    std::ofstream(path) << text;
    return;
  }
  EXPECT_EQ(text.substr(b, e - b), rendered)
      << path << " differs from the catalogue: run LEDGER_UPDATE_GOLDEN=1 ctest -R "
      << "catalogue_docs and review git diff " << path;
}

TEST(CatalogueDocsTest, ActionsMdTablesAreTheCatalogues) {
  CheckBlock(std::string(LEDGER_SOURCE_DIR) + "/docs/actions.md", "<!-- catalogue:begin",
             "<!-- catalogue:end", Markdown());
}

TEST(CatalogueDocsTest, OpenApiActionSchemasAreTheCatalogues) {
  CheckBlock(std::string(LEDGER_SOURCE_DIR) + "/docs/openapi.yaml", "# catalogue:begin",
             "# catalogue:end", Yaml());
}

TEST(CatalogueDocsTest, TheRenderingNamesEveryActionAndField) {
  std::string md = Markdown();
  std::string yaml = Yaml();
  for (const ActionSpec& a : Actions()) {
    EXPECT_NE(md.find("### `" + std::string(a.type) + "`"), std::string::npos) << a.type;
    EXPECT_NE(yaml.find("Action_" + std::string(a.type) + ":"), std::string::npos) << a.type;
    for (const FieldSpec& f : a.fields)
      EXPECT_NE(md.find("| `" + std::string(f.name) + "` |"), std::string::npos)
          << a.type << "." << f.name;
  }
}

}  // namespace
