"""The issuer dashboard (issue 15): an organization's team signs in at /dashboard and runs its
credentials from the browser. Pages are server-rendered (web/templates/dashboard/)."""
