"""One scenario, every dialect: the rules that live once in the core give the same decisions
through Accredible and Credly (issue 11)."""
