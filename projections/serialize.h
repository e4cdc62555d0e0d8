// Cereal serialization of the projection state (snapshots and persisted rows). Binary archives
// only: they are caches of what the log says, versioned by kProjectionFormat (format.h), and
// rebuilt from the log when the format changes.
#pragma once

#include <cereal/archives/binary.hpp>
#include <cereal/types/array.hpp>
#include <cereal/types/chrono.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>

#include "projections/format.h"
#include "projections/reports.h"
#include "projections/tracked.h"

namespace ledger {
// A Sym is written as its text (the bytes of a std::string), never as its pool index.
template <class A>
void save(A& a, const Sym& s) {
  a(s.str());
}
template <class A>
void load(A& a, Sym& s) {
  std::string text;
  a(text);
  s = Sym(text);
}
}  // namespace ledger

namespace ledger::domain {

template <class A>
void serialize(A& a, Stamp& s) {
  a(s.at, s.position);
}
template <class A>
void serialize(A& a, LevelChange& l) {
  a(l.when, l.level);
}
template <class A>
void serialize(A& a, PauseFact& p) {
  a(p.start, p.end, p.reason);
}
template <class A>
void serialize(A& a, ExtensionFact& x) {
  a(x.clock, x.until, x.requested, x.decided, x.approved, x.closure_cycle);
}
template <class A>
void serialize(A& a, ClosureCycle& c) {
  a(c.start, c.closed, c.policy_version);
}
template <class A>
void serialize(A& a, SealedPiece& p) {
  a(p.field, p.subject, p.key_version, p.version, p.position, p.type, p.sealed);
}
template <class A>
void serialize(A& a, ComplainantInfo& c) {
  a(c.name, c.phone, c.unit, c.is_owner, c.subject, c.sealed);
}
template <class A>
void serialize(A& a, TargetInfo& t) {
  a(t.kind, t.id, t.department);
}
template <class A>
void serialize(A& a, FlagRecord& f) {
  a(f.flag, f.detail, f.at);
}
template <class A>
void serialize(A& a, AssignmentRecord& r) {
  a(r.at, r.department, r.cooperating, r.handler, r.level, r.first_responsible_people, r.notified,
    r.assigned_by);
}
template <class A>
void serialize(A& a, PlanRecord& p) {
  a(p.proposed, p.plan_type, p.description, p.planned_start, p.planned_finish, p.estimated_cost,
    p.proposed_by, p.reviewed, p.approved, p.reviewed_by, p.reviewer_role, p.review_comment);
}
template <class A>
void serialize(A& a, CycleRecord& c) {
  a(c.clock, c.reopen_reason, c.resolved, c.resolution, c.root_cause, c.corrective_action,
    c.resolved_by, c.confirmations, c.basis, c.level_at_close);
}
template <class A>
void serialize(A& a, LinkRecord& l) {
  a(l.other, l.relation, l.at, l.other_level);
}
template <class A>
void serialize(A& a, ExtensionRecord& x) {
  a(x.fact, x.reason, x.requested_by, x.decided_by, x.decided_role, x.comment);
}
template <class A>
void serialize(A& a, CallbackRecord& c) {
  a(c.at, c.acknowledged, c.contacted, c.timeliness, c.plan, c.attitude, c.reasons);
}
template <class A>
void serialize(A& a, RecordedFine& f) {
  a(f.at, f.rule, f.amount, f.people, f.departments, f.reason, f.recorded_by, f.recorded_role);
}
template <class A>
void serialize(A& a, WaiverRecord& w) {
  a(w.line_id, w.reason, w.by, w.role, w.at);
}
template <class A>
void serialize(A& a, CorrectionRecord& c) {
  a(c.at, c.recorded_at, c.event, c.field, c.value, c.previous, c.reason, c.by);
}
template <class A>
void serialize(A& a, EvidenceRecord& e) {
  a(e.at, e.name, e.media_type, e.sha256, e.size);
}
template <class A>
void serialize(A& a, LevelRecord& l) {
  a(l.change, l.manual, l.reason, l.rules, l.rule_level);
}

template <class A>
void serialize(A& a, ComplaintState& s) {
  a(s.id, s.version, s.last_position, s.last_recorded_at, s.policy_version, s.intake,
    s.intake_recorded_at, s.imported, s.channel, s.project, s.subject, s.description, s.demands,
    s.complainant, s.target, s.claimed_compensation, s.headcount, s.flags, s.receiving_department,
    s.receiving_staff, s.external_ref, s.target_complaints, s.same_issue_complainants);
  a(s.transmitted, s.transmitted_to_department, s.transmitted_to_person, s.assessed, s.valid,
    s.invalid_reason, s.classified, s.category, s.levels, s.assignments, s.first_response,
    s.responses, s.plans, s.cycles, s.pauses, s.links, s.extensions, s.staff_decision,
    s.staff_decision_person, s.staff_decision_text, s.callback, s.fines, s.waivers, s.corrections,
    s.evidence);
}

}  // namespace ledger::domain

namespace projections {
template <class A>
void serialize(A& a, Finding& f) {
  a(f.kind, f.complaint, f.at, f.detail, f.evidence);
}
template <class A>
void serialize(A& a, TrackedComplaint& t) {
  a(t.state, t.event_findings);
}
template <class A>
void serialize(A& a, Rating& r) {
  a(r.score, r.position);
}
}  // namespace projections
