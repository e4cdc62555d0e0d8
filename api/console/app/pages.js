// Every page of the console: its hash route, its module (loaded when first shown), its i18n area
// (i18n/<area>.<lang>.json) and whether it appears in the navigation. To add a page: a module in
// pages/ whose default export is a component taking {params, query}, a line here, and its
// strings in both languages (docs/ui.md, "Adding a page").
export const PAGES = [
  { route: "/", module: "./pages/dashboard.js", area: "dashboard", nav: "nav.dashboard" },
  { route: "/complaints", module: "./pages/complaints.js", area: "complaints", nav: "nav.complaints" },
  { route: "/complaints/:id", module: "./pages/complaint.js", area: "complaint" },
  { route: "/fines", module: "./pages/fines.js", area: "fines", nav: "nav.fines" },
  { route: "/rewards", module: "./pages/rewards.js", area: "rewards", nav: "nav.rewards" },
  { route: "/responsibility", module: "./pages/responsibility.js", area: "responsibility", nav: "nav.responsibility" },
  { route: "/findings", module: "./pages/findings.js", area: "findings", nav: "nav.findings" },
  { route: "/alerts", module: "./pages/alerts.js", area: "alerts", nav: "nav.alerts" },
  { route: "/ledger", module: "./pages/ledger.js", area: "ledger", nav: "nav.ledger" },
  { route: "/events", module: "./pages/events.js", area: "events", nav: "nav.events" },
  { route: "/actions", module: "./pages/actions.js", area: "actions", nav: "nav.actions" },
  { route: "/policies", module: "./pages/policies.js", area: "policies", nav: "nav.policies" },
  // Only for the roles that may read the data subjects' records (docs/api.md, "privacy").
  { route: "/privacy", module: "./pages/privacy.js", area: "privacy", nav: "nav.privacy", roles: ["data_protection", "auditor"] },
];

// The areas every page needs: the shell's strings and the domain codes.
export const BASE_AREAS = ["common", "codes"];
export const AREAS = [...BASE_AREAS, ...new Set(PAGES.map((p) => p.area))];
