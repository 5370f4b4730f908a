"""Accredible's Credential API over Plaudit's core (its OpenAPI file:
tests/data/accredible-openapi.json)."""
