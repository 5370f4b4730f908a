"""Accredible's Credential API (../shared/specs/accredible-openapi.json) over Plaudit's core."""
